import Router from '@koa/router';
import { requirePrincipal } from '../auth/authorize.js';
import type { ProbeRegistry } from './registry.js';

/** GET /probes: every probe with its config as JSON Schema, so clients (signed in, or holding a key) can render forms. */
export function probeRoutes(registry: ProbeRegistry): Router {
  const router = new Router();
  router.get('/probes', requirePrincipal, (ctx) => {
    ctx.body = registry.list();
  });
  return router;
}
