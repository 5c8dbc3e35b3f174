/** The /metrics endpoint and the process gauges: the exposition format lives in http/prometheus.ts. */
import { timingSafeEqual } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import Router from '@koa/router';
import type { EntityManager } from '@mikro-orm/postgresql';
import type Koa from 'koa';
import { isInstanceAdmin } from './auth/admins.js';
import type { Config } from './config.js';
import { AppError, forbidden } from './errors.js';
import type { Metrics } from './http/prometheus.js';

/** Process gauges every PingPage exports. */
export function processMetrics(m: Metrics): () => void {
  const lag = monitorEventLoopDelay({ resolution: 20 });
  lag.enable();
  m.gauge('process_resident_memory_bytes', 'Resident memory size in bytes', () => process.memoryUsage().rss);
  m.gauge('process_cpu_seconds_total', 'User and system CPU time spent in seconds', () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  });
  m.gauge('nodejs_eventloop_lag_p99_seconds', 'Event loop delay, 99th percentile since start', () => lag.percentile(99) / 1e9);
  return () => lag.disable();
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export interface MetricsAccess {
  em: () => EntityManager;
  /** The user id of the request's signed-in session, if any. */
  signedInUser(ctx: Koa.Context): Promise<string | undefined>;
}

const noCredentials = () =>
  new AppError(401, 'UNAUTHORIZED', 'Metrics need METRICS_TOKEN or a signed-in instance administrator (API keys cannot read them)', undefined, {
    'WWW-Authenticate': 'Bearer',
  });

/**
 * GET /metrics spans every organization: it answers the configured METRICS_TOKEN or a signed-in
 * instance administrator's session, never an API key (any org's admin can make one of those).
 */
export function metricsRoutes(metrics: Metrics, config: Config, access: MetricsAccess): Router {
  const router = new Router();
  router.get('/metrics', async (ctx) => {
    if (ctx.get('authorization')) {
      const token = ctx.get('authorization').match(/^Bearer (\S+)$/)?.[1];
      if (!token || !config.METRICS_TOKEN || !sameSecret(token, config.METRICS_TOKEN)) throw noCredentials();
    } else {
      const userId = await access.signedInUser(ctx);
      if (!userId) throw noCredentials();
      if (!(await isInstanceAdmin(access.em(), userId, config))) throw forbidden('Metrics span every organization: only instance administrators may read them');
    }
    ctx.type = 'text/plain; version=0.0.4; charset=utf-8';
    ctx.set('Cache-Control', 'no-store');
    ctx.body = metrics.render();
  });
  return router;
}
