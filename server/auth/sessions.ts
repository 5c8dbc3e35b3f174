import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { LockMode, raw, sql, type EntityManager } from '@mikro-orm/postgresql';
import type { Middleware } from 'koa';
import session from 'koa-session';
import type Koa from 'koa';
import type { Config } from '../config.js';
import { Session, type SessionRow } from './entities.js';
import type { SessionInfo } from '../../contracts/accounts.js';

/** Our published promise: sessions last 30 days at most, however active. */
export const SESSION_MAX_AGE_MS = 30 * 24 * 3600 * 1000;
export const SESSION_COOKIE = 'pp_session';
// last_seen_at is written at most this often per session, not on every request.
const TOUCH_EVERY_MS = 60_000;

/** The cookie carries a random id; the database keeps only its hash, so a leaked table opens no session. */
export const hashSid = (sid: string) => createHash('sha256').update(sid).digest();

export interface SessionData {
  userId?: string;
  /** Token a cookie client without Origin/Referer must echo in X-CSRF-Token. */
  csrf?: string;
  /** The session's row id (public: listing and revoking use it). Not stored in `data`. */
  _dbId?: string;
}

/** The koa-session store: sessions live in PostgreSQL and die there (logout, revoke, expiry). */
export function sessionStore(em: () => EntityManager, idleMs: number) {
  return {
    async get(sid: string) {
      const r = await em().findOne(Session, { sidHash: hashSid(sid) }, { fields: ['data', 'lastSeenAt', 'expiresAt'] });
      if (!r) return null;
      const now = Date.now();
      if (r.expiresAt.getTime() <= now || r.lastSeenAt.getTime() + idleMs <= now) {
        await em().nativeDelete(Session, { id: r.id });
        return null;
      }
      if (r.lastSeenAt.getTime() + TOUCH_EVERY_MS <= now) {
        await em().nativeUpdate(Session, { id: r.id }, { lastSeenAt: raw('now()') });
      }
      return { ...r.data, _dbId: r.id };
    },
    async set(sid: string, sess: SessionData & Record<string, unknown>, _maxAge: number, opts: { ctx?: Koa.Context }) {
      const { _dbId, ...data } = sess;
      const ctx = opts.ctx;
      // A new session, or a changed one under the same cookie (its expiry never moves: SESSION_MAX_AGE_MS from the start).
      await em()
        .createQueryBuilder(Session)
        .insert({
          id: _dbId ?? randomUUID(),
          sidHash: hashSid(sid),
          user: data.userId ?? null,
          data,
          ip: ctx?.ip ?? null,
          userAgent: ctx?.get('user-agent')?.slice(0, 300) ?? null,
          expiresAt: raw("now() + ? * interval '1 millisecond'", [SESSION_MAX_AGE_MS]),
        })
        .onConflict('sidHash')
        .merge({ data: raw('excluded.data'), user: raw('excluded.user_id'), lastSeenAt: raw('now()') })
        .execute();
    },
    async destroy(sid: string) {
      await em().nativeDelete(Session, { sidHash: hashSid(sid) });
    },
  };
}

export type SessionStore = ReturnType<typeof sessionStore>;

export function sessionMiddleware(app: Koa, config: Config, store: SessionStore): Middleware {
  app.keys = [config.SESSION_SECRET];
  return session(
    {
      key: SESSION_COOKIE,
      maxAge: SESSION_MAX_AGE_MS,
      httpOnly: true,
      sameSite: 'lax',
      secure: config.secure,
      signed: true,
      rolling: false,
      renew: false,
      store,
      genid: () => randomBytes(32).toString('base64url'),
    },
    app,
  );
}

const sessionInfo = (s: Pick<SessionRow, 'id' | 'createdAt' | 'lastSeenAt' | 'expiresAt' | 'ip' | 'userAgent'>, currentId?: string): SessionInfo => ({
  id: s.id,
  createdAt: s.createdAt.toISOString(),
  lastSeenAt: s.lastSeenAt.toISOString(),
  expiresAt: s.expiresAt.toISOString(),
  ip: s.ip ?? null,
  userAgent: s.userAgent ?? null,
  current: s.id === currentId,
});

export async function listSessions(em: EntityManager, userId: string, currentId?: string): Promise<SessionInfo[]> {
  const list = await em.find(
    Session,
    { user: userId, expiresAt: { $gt: sql`now()` } },
    { fields: ['createdAt', 'lastSeenAt', 'expiresAt', 'ip', 'userAgent'], orderBy: { lastSeenAt: 'desc' } },
  );
  return list.map((s) => sessionInfo(s, currentId));
}

/** Deletes sessions of a user (all, or all but one); answers the ids that were revoked. */
export async function revokeSessions(em: EntityManager, userId: string, opts: { only?: string; except?: string } = {}): Promise<string[]> {
  const id = { ...(opts.only && { $eq: opts.only }), ...(opts.except && { $ne: opts.except }) };
  const where = { user: userId, ...(opts.only || opts.except ? { id } : {}) };
  // Locked, then deleted: the ids answered are exactly the rows this call removed.
  return em.transactional(async (tx) => {
    const gone = await tx.find(Session, where, { fields: ['id'], lockMode: LockMode.PESSIMISTIC_WRITE, disableIdentityMap: true });
    const ids = gone.map((g) => g.id);
    if (ids.length) await tx.nativeDelete(Session, { id: { $in: ids } });
    return ids;
  });
}
