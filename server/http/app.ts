import { randomUUID } from 'node:crypto';
import type Router from '@koa/router';
import Koa from 'koa';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { jsonBody } from './body.js';
import { errorMiddleware } from './errors.js';
import { healthRoutes, type ReadinessCheck } from './health.js';
import type { Metrics } from './prometheus.js';
import { applyProxyTrust } from './proxy.js';
import { securityHeaders } from './security.js';
import { serveClient } from './static.js';

export interface AppOptions {
  config: Config;
  log: Logger;
  /** Runs before every route (sessions, principal, CSRF); gets the app for its cookie keys. */
  middleware?: (app: Koa) => Koa.Middleware[];
  /** Routers mounted under /api/v1. */
  api: Router<any>[];
  /** Routers mounted at the root (public status pages, feeds, badges). */
  pages?: Router[];
  readiness: ReadinessCheck[];
  /** Answered before sessions and API-key parsing (they authenticate themselves): /metrics. */
  operations?: Router[];
  metrics?: Metrics;
  isStopping: () => boolean;
  /** Built client to serve, when present. */
  clientDir?: string;
  /** The data a dashboard page starts with, for index.html to preload (see http/static.ts). */
  preload?: (pagePath: string) => string | undefined;
}

export function createApp(opts: AppOptions): Koa {
  const app = new Koa();
  applyProxyTrust(app, opts.config.TRUST_PROXY);
  app.silent = true; // errors are logged by errorMiddleware, once
  const log = opts.log;

  app.use(async (ctx, next) => {
    const start = performance.now();
    ctx.state.requestId = randomUUID();
    try {
      await next();
    } finally {
      const ms = Math.round((performance.now() - start) * 10) / 10;
      opts.metrics?.observe('pingpage_http_request_duration_seconds', 'HTTP requests by method and status class', ms / 1000, {
        method: ctx.method,
        status: `${Math.floor(ctx.status / 100)}xx`,
      });
      if (ctx.path !== '/healthz' && ctx.path !== '/readyz') {
        log.info({ reqId: ctx.state.requestId, method: ctx.method, path: ctx.path, status: ctx.status, ms }, 'request');
      }
    }
  });
  app.use(securityHeaders({ hsts: opts.config.secure }));
  app.use(errorMiddleware(log));
  const health = healthRoutes(opts.readiness, opts.isStopping);
  app.use(health.routes());
  for (const r of opts.operations ?? []) app.use(r.routes());
  app.use(async (ctx, next) => {
    if (ctx.path.startsWith('/api/')) ctx.set('Cache-Control', 'no-store');
    await next();
  });
  app.use(jsonBody(opts.config.BODY_LIMIT_BYTES));
  for (const m of opts.middleware?.(app) ?? []) app.use(m);
  for (const r of opts.api) {
    r.prefix('/api/v1');
    app.use(r.routes()).use(r.allowedMethods());
  }
  for (const r of opts.pages ?? []) app.use(r.routes());
  // The API's browsable documentation is a page of the build (client/docs.html), served at /api/docs.
  if (opts.clientDir) app.use(serveClient(opts.clientDir, ['/api/', '/socket.io/', '/status/'], opts.preload, { '/api/docs': 'docs.html' }));
  return app;
}
