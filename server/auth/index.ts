import type Router from '@koa/router';
import type Koa from 'koa';
import type { Config } from '../config.js';
import type { Orm } from '../db/orm.js';
import { membership, orgPolicy } from '../orgs/service.js';
import { orgRoutes } from '../orgs/routes.js';
import { orgGuard, type RequireOrg } from './authorize.js';
import { csrfGuard } from './csrf.js';
import { AuthEvents } from './events.js';
import { principalMiddleware } from './principal.js';
import { authRoutes } from './routes.js';
import { sessionMiddleware } from './sessions.js';

export interface Auth {
  events: AuthEvents;
  requireOrg: RequireOrg;
  /** Session cookie, principal (session or API key), CSRF: in this order, before any route. */
  middleware(app: Koa): Koa.Middleware[];
  routers: Router<any>[];
}

export function createAuth(deps: { config: Config; orm: Orm }): Auth {
  const em = () => deps.orm.em.fork();
  const events = new AuthEvents();
  const requireOrg = orgGuard({ membership: (org, user) => membership(em(), org, user), policy: (org) => orgPolicy(em(), org) });
  return {
    events,
    requireOrg,
    middleware: (app) => [sessionMiddleware(app, deps.config, em), principalMiddleware(em), csrfGuard(deps.config)],
    routers: [authRoutes({ config: deps.config, em, events }), orgRoutes({ em, requireOrg, events })],
  };
}
