import { timingSafeEqual } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import Router from '@koa/router';
import type { EntityManager } from '@mikro-orm/postgresql';
import type Koa from 'koa';
import { isInstanceAdmin } from '../auth/admins.js';
import type { Config } from '../config.js';
import { AppError, forbidden } from '../errors.js';

type Labels = Record<string, string>;
const key = (labels: Labels) => Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, '_')}"`).join(',');

/** Prometheus text exposition without a dependency: counters, gauges read on scrape, histograms. */
export class Metrics {
  private readonly counters = new Map<string, { help: string; values: Map<string, number> }>();
  private readonly gauges = new Map<string, { help: string; read: () => Array<[Labels, number]> }>();
  private readonly histograms = new Map<string, { help: string; buckets: number[]; series: Map<string, { counts: number[]; sum: number; n: number }> }>();

  inc(name: string, help: string, labels: Labels = {}, by = 1): void {
    let c = this.counters.get(name);
    if (!c) this.counters.set(name, (c = { help, values: new Map() }));
    const k = key(labels);
    c.values.set(k, (c.values.get(k) ?? 0) + by);
  }

  gauge(name: string, help: string, read: () => number | Array<[Labels, number]>): void {
    this.gauges.set(name, { help, read: () => { const v = read(); return typeof v === 'number' ? [[{}, v]] : v; } });
  }

  observe(name: string, help: string, value: number, labels: Labels = {}, buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]): void {
    let h = this.histograms.get(name);
    if (!h) this.histograms.set(name, (h = { help, buckets, series: new Map() }));
    const k = key(labels);
    let s = h.series.get(k);
    if (!s) h.series.set(k, (s = { counts: buckets.map(() => 0), sum: 0, n: 0 }));
    for (let i = 0; i < h.buckets.length; i++) if (value <= h.buckets[i]!) s.counts[i]!++;
    s.sum += value;
    s.n++;
  }

  render(): string {
    const out: string[] = [];
    const series = (name: string, k: string, v: number) => out.push(`${name}${k ? `{${k}}` : ''} ${v}`);
    for (const [name, c] of this.counters) {
      out.push(`# HELP ${name} ${c.help}`, `# TYPE ${name} counter`);
      for (const [k, v] of c.values) series(name, k, v);
    }
    for (const [name, g] of this.gauges) {
      out.push(`# HELP ${name} ${g.help}`, `# TYPE ${name} gauge`);
      for (const [labels, v] of g.read()) series(name, key(labels), v);
    }
    for (const [name, h] of this.histograms) {
      out.push(`# HELP ${name} ${h.help}`, `# TYPE ${name} histogram`);
      for (const [k, s] of h.series) {
        const pre = k ? k + ',' : '';
        h.buckets.forEach((b, i) => series(`${name}_bucket`, `${pre}le="${b}"`, s.counts[i]!));
        series(`${name}_bucket`, `${pre}le="+Inf"`, s.n);
        series(`${name}_sum`, k, s.sum);
        series(`${name}_count`, k, s.n);
      }
    }
    return out.join('\n') + '\n';
  }
}

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
