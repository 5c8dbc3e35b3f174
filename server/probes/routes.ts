import Router from '@koa/router';
import type { ProbeRegistry } from './registry.js';

/** GET /probes: every probe with its config as JSON Schema, so clients can render forms. */
export function probeRoutes(registry: ProbeRegistry): Router {
  const router = new Router();
  router.get('/probes', (ctx) => {
    ctx.body = registry.list();
  });
  return router;
}
