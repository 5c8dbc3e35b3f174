import { ServerResponse, type IncomingMessage } from 'node:http';
import type Router from '@koa/router';
import type Koa from 'koa';
import type { Config } from '../config.js';
import type { Orm } from '../db/orm.js';
import { membership, orgPolicy } from '../auth/memberships.js';
import { invitationRoutes } from './invitation-routes.js';
import type { SendMail } from './invitation-mail.js';
import { orgRoutes } from './routes.js';
import { signup } from './signup.js';
import { orgGuard, routeGuard, type RequireOrg } from '../auth/authorize.js';
import { mount, type Guard, type Route } from '../http/routes.js';
import { csrfGuard } from '../auth/csrf.js';
import { Bus } from '../bus.js';
import type { AuthEventMap, AuthEvents } from '../auth/events.js';
import { principalMiddleware } from '../auth/principal.js';
import { authRoutes } from '../auth/routes.js';
import { SESSION_COOKIE, sessionMiddleware, sessionStore, type SessionData } from '../auth/sessions.js';
import { keyPrincipal } from '../auth/apikeys.js';
import type { Principal } from '../auth/types.js';

/**
 * Accounts, composed: auth/ (who is asking: sessions, API keys, CSRF, the org guard) and orgs/
 * (what they belong to: organizations, members, invitations, signup). Organizations build on auth,
 * never the reverse, so the composition lives here.
 */
export interface Auth {
  /**
   * Who opened this (non-Koa) request, e.g. a Socket.IO handshake: the API key given, else the
   * signed session cookie, checked against the same session store as HTTP.
   */
  authenticate(app: Koa, req: IncomingMessage, token?: string): Promise<Principal | undefined>;
  events: AuthEvents;
  requireOrg: RequireOrg;
  /** What the route mounter puts before each declared route, by its `auth` (http/routes.ts). */
  guard: Guard;
  /** Session cookie, principal (session or API key), CSRF: in this order, before any route. */
  middleware(app: Koa): Koa.Middleware[];
  /** The declared routes of accounts (auth, organizations, invitations), for the OpenAPI document. */
  routes: Route[];
  /** `routes`, mounted. */
  routers: Router<any>[];
}

/**
 * `sendMail`: the operator's SMTP server, when configured (invitations are e-mailed through it).
 * `events`: the server's bus (main.ts); a bus of its own when absent.
 */
export function createAuth(deps: { config: Config; orm: Orm; sendMail?: SendMail; events?: AuthEvents }): Auth {
  const em = () => deps.orm.em.fork();
  const events = deps.events ?? new Bus<AuthEventMap>();
  const store = sessionStore(em, deps.config.SESSION_IDLE_HOURS * 3600 * 1000);
  const requireOrg = orgGuard({ membership: (org, user) => membership(em(), org, user), policy: (org) => orgPolicy(em(), org) });
  const guard = routeGuard(requireOrg);
  const routes = [
    ...authRoutes({ config: deps.config, em, events, signup }),
    ...orgRoutes({ em, events }),
    ...invitationRoutes({ em, publicUrl: deps.config.PUBLIC_URL, sendMail: deps.sendMail }),
  ];
  return {
    events,
    requireOrg,
    guard,
    middleware: (app) => [sessionMiddleware(app, deps.config, store), principalMiddleware(em), csrfGuard(deps.config)],
    async authenticate(app, req, token) {
      if (token !== undefined) return keyPrincipal(em(), token);
      const ctx = app.createContext(req, new ServerResponse(req));
      const sid = ctx.cookies.get(SESSION_COOKIE, { signed: true });
      if (!sid) return undefined;
      const data = (await store.get(sid)) as SessionData | null;
      return data?.userId && data._dbId ? { kind: 'user', userId: data.userId, sessionId: data._dbId } : undefined;
    },
    routes,
    routers: [mount(routes, guard)],
  };
}
