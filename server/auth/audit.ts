import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { page } from '../http/routes.js';
import type { Principal } from './types.js';
import { iso, row, rows, run } from '../db/sql.js';
import { AppError, notFound } from '../errors.js';
import type { AuditJson } from '../../contracts/accounts.js';

/** Who asks, for the audit log: a person or an API key, or no principal for PingPage itself. */
export interface Actor {
  principal?: Principal;
  ip?: string;
}

export interface AuditEntry {
  /**
   * The org the change belongs to; null for account events (sign-ins, failed sign-ins, password
   * changes, session revocations), whose `target` is then the account's user id.
   */
  orgId: string | null;
  principal?: Principal;
  /** Dotted verb, e.g. `member.role_changed`, `api_key.created`, `monitor.deleted`. */
  action: string;
  /** What was acted on, e.g. a user id, key id or monitor id. */
  target?: string;
  ip?: string;
  details?: Record<string, unknown>;
}

/**
 * Fails unless the principal still belongs to the org: its membership, or its key live in that
 * org. The row is locked FOR SHARE until the caller's transaction ends, so a removal or a key's
 * revocation either waits for the write that is being audited or makes it roll back: a request
 * that was let in before its author lost the org cannot act after.
 */
async function holdOrg(em: EntityManager, orgId: string, p: Principal): Promise<void> {
  if (p.kind === 'user') {
    const m = await row(em, 'SELECT 1 AS one FROM memberships WHERE org_id = ? AND user_id = ? FOR SHARE', [orgId, p.userId]);
    if (!m) throw notFound('Organization');
  } else {
    const k = await row(em, 'SELECT 1 AS one FROM api_keys WHERE id = ? AND org_id = ? AND revoked_at IS NULL FOR SHARE', [p.keyId, orgId]);
    if (!k) throw new AppError(401, 'INVALID_API_KEY', 'The API key is not valid or was revoked', undefined, { 'WWW-Authenticate': 'Bearer' });
  }
}

/**
 * Appends to the audit log (inside the caller's transaction when `em` is in one). An org entry
 * with a principal first checks the principal still holds the org (see holdOrg): record it in
 * the transaction of the change it describes.
 */
export async function recordAudit(em: EntityManager, e: AuditEntry): Promise<void> {
  if (e.orgId && e.principal) await holdOrg(em, e.orgId, e.principal);
  const userId = e.principal?.kind === 'user' ? e.principal.userId : null;
  const keyId = e.principal?.kind === 'key' ? e.principal.keyId : null;
  await run(
    em,
    'INSERT INTO audit_log (org_id, actor_user_id, actor_key_id, action, target, ip, details) VALUES (?, ?, ?, ?, ?, ?, ?)',
    [e.orgId, userId, keyId, e.action, e.target ?? null, e.ip ?? null, e.details ? JSON.stringify(e.details) : null],
  );
}

/** Runs an org write and its audit entry in one transaction (the entry's check can roll the write back). */
export function auditedWrite<T>(em: EntityManager, write: (tx: EntityManager) => Promise<T>, entry: (result: T) => AuditEntry): Promise<T> {
  return em.transactional(async (tx) => {
    const result = await write(tx);
    await recordAudit(tx, entry(result));
    return result;
  });
}

/** A page of a log, newest first: `limit` entries older than the entry `before` (an id from a previous page). */
export const auditQuery = z.strictObject({
  limit: page.limit(500, 100),
  before: page.before(z.string().regex(/^\d{1,19}$/)),
});
export type AuditPage = z.infer<typeof auditQuery>;

/** Audit entries matching `where` (SQL over `a`, the audit_log row), newest first. */
export async function auditEntries(em: EntityManager, where: string, params: unknown[], page: AuditPage): Promise<AuditJson[]> {
  const list = await rows<{
    id: string;
    at: Date;
    action: string;
    actor_user_id: string | null;
    email: string | null;
    actor_key_id: string | null;
    target: string | null;
    ip: string | null;
    details: Record<string, unknown> | null;
  }>(
    em,
    `SELECT a.id, a.at, a.action, a.actor_user_id, u.email, a.actor_key_id, a.target, a.ip, a.details
     FROM audit_log a LEFT JOIN users u ON u.id = a.actor_user_id
     WHERE ${where} AND (?::bigint IS NULL OR a.id < ?::bigint)
     ORDER BY a.id DESC LIMIT ?`,
    [...params, page.before ?? null, page.before ?? null, page.limit],
  );
  return list.map((a) => ({
    id: String(a.id),
    at: iso(a.at)!,
    action: a.action,
    actor: { userId: a.actor_user_id, email: a.email, keyId: a.actor_key_id },
    target: a.target,
    ip: a.ip,
    details: a.details,
  }));
}

/** A person's own account events: sign-ins, failed sign-ins against the account, password changes, session revocations. */
export function accountActivity(em: EntityManager, userId: string, page: AuditPage): Promise<AuditJson[]> {
  return auditEntries(em, 'a.org_id IS NULL AND a.target = ?', [userId], page);
}
