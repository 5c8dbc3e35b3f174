import type { EntityManager } from '@mikro-orm/postgresql';
import type { Middleware } from 'koa';
import { AppError } from '../errors.js';
import { findLiveKey, KEY_PATTERN, touchApiKey } from './apikeys.js';
import type { SessionData } from './sessions.js';
import type { Principal } from './types.js';

const TOUCH_EVERY_MS = 60_000;

const invalidKey = () =>
  new AppError(401, 'INVALID_API_KEY', 'The API key is not valid or was revoked', undefined, { 'WWW-Authenticate': 'Bearer' });

/** Decides who is asking: an API key in Authorization, else the session cookie's user. */
export function principalMiddleware(em: () => EntityManager): Middleware {
  return async (ctx, next) => {
    const header = ctx.get('authorization');
    if (header) {
      const token = header.match(/^Bearer (\S+)$/)?.[1];
      if (!token || !KEY_PATTERN.test(token)) throw invalidKey();
      const key = await findLiveKey(em(), token);
      if (!key) throw invalidKey();
      if (!key.last_used_at || Date.now() - new Date(key.last_used_at).getTime() > TOUCH_EVERY_MS) await touchApiKey(em(), key.id);
      ctx.state.principal = { kind: 'key', keyId: key.id, orgId: key.org_id, scopes: key.scopes } satisfies Principal;
    } else {
      const s = ctx.session as SessionData | null;
      if (s?.userId && s._dbId) ctx.state.principal = { kind: 'user', userId: s.userId, sessionId: s._dbId } satisfies Principal;
    }
    await next();
  };
}
