import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Middleware } from 'koa';
import session from 'koa-session';
import type Koa from 'koa';
import type { Config } from '../config.js';
import { iso, row, rows, run } from '../db/sql.js';
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

interface Row {
  id: string;
  data: Record<string, unknown>;
  last_seen_at: Date;
  expires_at: Date;
}

/** The koa-session store: sessions live in PostgreSQL and die there (logout, revoke, expiry). */
export function sessionStore(em: () => EntityManager, idleMs: number) {
  return {
    async get(sid: string) {
      const hash = hashSid(sid);
      const r = await row<Row>(em(), 'SELECT id, data, last_seen_at, expires_at FROM sessions WHERE sid_hash = ?', [hash]);
      if (!r) return null;
      const now = Date.now();
      if (new Date(r.expires_at).getTime() <= now || new Date(r.last_seen_at).getTime() + idleMs <= now) {
        await run(em(), 'DELETE FROM sessions WHERE id = ?', [r.id]);
        return null;
      }
      if (new Date(r.last_seen_at).getTime() + TOUCH_EVERY_MS <= now) {
        await run(em(), 'UPDATE sessions SET last_seen_at = now() WHERE id = ?', [r.id]);
      }
      return { ...r.data, _dbId: r.id };
    },
    async set(sid: string, sess: SessionData & Record<string, unknown>, _maxAge: number, opts: { ctx?: Koa.Context }) {
      const { _dbId, ...data } = sess;
      const ctx = opts.ctx;
      await run(
        em(),
        `INSERT INTO sessions (id, sid_hash, user_id, data, ip, user_agent, expires_at)
         VALUES (?, ?, ?, ?, ?, ?, now() + ? * interval '1 millisecond')
         ON CONFLICT (sid_hash) DO UPDATE SET data = excluded.data, user_id = excluded.user_id, last_seen_at = now()`,
        [_dbId ?? randomUUID(), hashSid(sid), data.userId ?? null, JSON.stringify(data), ctx?.ip ?? null, ctx?.get('user-agent')?.slice(0, 300) ?? null, SESSION_MAX_AGE_MS],
      );
    },
    async destroy(sid: string) {
      await run(em(), 'DELETE FROM sessions WHERE sid_hash = ?', [hashSid(sid)]);
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

export async function listSessions(em: EntityManager, userId: string, currentId?: string): Promise<SessionInfo[]> {
  const list = await rows<{ id: string; created_at: Date; last_seen_at: Date; expires_at: Date; ip: string | null; user_agent: string | null }>(
    em,
    'SELECT id, created_at, last_seen_at, expires_at, ip, user_agent FROM sessions WHERE user_id = ? AND expires_at > now() ORDER BY last_seen_at DESC',
    [userId],
  );
  return list.map((s) => ({
    id: s.id,
    createdAt: iso(s.created_at)!,
    lastSeenAt: iso(s.last_seen_at)!,
    expiresAt: iso(s.expires_at)!,
    ip: s.ip,
    userAgent: s.user_agent,
    current: s.id === currentId,
  }));
}

/** Deletes sessions of a user (all, or all but one); answers the ids that were revoked. */
export async function revokeSessions(em: EntityManager, userId: string, opts: { only?: string; except?: string } = {}): Promise<string[]> {
  const params: unknown[] = [userId];
  let where = 'user_id = ?';
  if (opts.only) (where += ' AND id = ?'), params.push(opts.only);
  if (opts.except) (where += ' AND id <> ?'), params.push(opts.except);
  const gone = await rows<{ id: string }>(em, `DELETE FROM sessions WHERE ${where} RETURNING id`, params);
  return gone.map((g) => g.id);
}
