import type { EntityManager } from '@mikro-orm/postgresql';
import type { Middleware } from 'koa';
import { AppError } from '../errors.js';
import { keyPrincipal } from './apikeys.js';
import type { SessionData } from './sessions.js';
import type { Principal } from './types.js';

const invalidKey = () =>
  new AppError(401, 'INVALID_API_KEY', 'The API key is not valid or was revoked', undefined, { 'WWW-Authenticate': 'Bearer' });

/** Decides who is asking: an API key in Authorization, else the session cookie's user. */
export function principalMiddleware(em: () => EntityManager): Middleware {
  return async (ctx, next) => {
    const header = ctx.get('authorization');
    if (header) {
      const token = header.match(/^Bearer (\S+)$/)?.[1];
      const principal = token ? await keyPrincipal(em(), token) : undefined;
      if (!principal) throw invalidKey();
      ctx.state.principal = principal;
    } else {
      const s = ctx.session as SessionData | null;
      if (s?.userId && s._dbId) ctx.state.principal = { kind: 'user', userId: s.userId, sessionId: s._dbId } satisfies Principal;
    }
    await next();
  };
}
