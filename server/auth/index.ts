import { ServerResponse, type IncomingMessage } from 'node:http';
import type Router from '@koa/router';
import type Koa from 'koa';
import type { Config } from '../config.js';
import type { Orm } from '../db/orm.js';
import { membership, orgPolicy } from '../orgs/service.js';
import { invitationRoutes } from '../orgs/invitation-routes.js';
import type { SendMail } from '../orgs/invitation-mail.js';
import { orgRoutes } from '../orgs/routes.js';
import { orgGuard, type RequireOrg } from './authorize.js';
import { csrfGuard } from './csrf.js';
import { Bus } from '../bus.js';
import type { AuthEventMap, AuthEvents } from './events.js';
import { principalMiddleware } from './principal.js';
import { authRoutes } from './routes.js';
import { SESSION_COOKIE, sessionMiddleware, sessionStore, type SessionData } from './sessions.js';
import { keyPrincipal } from './apikeys.js';
import type { Principal } from './types.js';

export interface Auth {
  /**
   * Who opened this (non-Koa) request, e.g. a Socket.IO handshake: the API key given, else the
   * signed session cookie, checked against the same session store as HTTP.
   */
  authenticate(app: Koa, req: IncomingMessage, token?: string): Promise<Principal | undefined>;
  events: AuthEvents;
  requireOrg: RequireOrg;
  /** Session cookie, principal (session or API key), CSRF: in this order, before any route. */
  middleware(app: Koa): Koa.Middleware[];
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
  return {
    events,
    requireOrg,
    middleware: (app) => [sessionMiddleware(app, deps.config, store), principalMiddleware(em), csrfGuard(deps.config)],
    async authenticate(app, req, token) {
      if (token !== undefined) return keyPrincipal(em(), token);
      const ctx = app.createContext(req, new ServerResponse(req));
      const sid = ctx.cookies.get(SESSION_COOKIE, { signed: true });
      if (!sid) return undefined;
      const data = (await store.get(sid)) as SessionData | null;
      return data?.userId && data._dbId ? { kind: 'user', userId: data.userId, sessionId: data._dbId } : undefined;
    },
    routers: [
      authRoutes({ config: deps.config, em, events }),
      orgRoutes({ em, requireOrg, events }),
      invitationRoutes({ em, requireOrg, publicUrl: deps.config.PUBLIC_URL, sendMail: deps.sendMail }),
    ],
  };
}
