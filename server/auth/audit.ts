import { LockMode, type EntityManager, type FilterQuery } from '@mikro-orm/postgresql';
import { ApiKey, AuditEntry as AuditLog, Membership, type AuditEntryRow } from './entities.js';
import type { AuditPage } from '../../contracts/accounts-requests.js';
import type { Principal } from './types.js';
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
  // FOR SHARE means something only inside a transaction (outside one the lock ends with the statement, and MikroORM refuses it).
  const lockMode = em.isInTransaction() ? LockMode.PESSIMISTIC_READ : undefined;
  if (p.kind === 'user') {
    const m = await em.findOne(Membership, { org: orgId, user: p.userId }, { lockMode, refresh: true });
    if (!m) throw notFound('Organization');
  } else {
    const k = await em.findOne(ApiKey, { id: p.keyId, org: orgId, revokedAt: null }, { lockMode, fields: ['id'] });
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
  await em.insert(AuditLog, {
    org: e.orgId,
    actorUser: e.principal?.kind === 'user' ? e.principal.userId : null,
    actorKey: e.principal?.kind === 'key' ? e.principal.keyId : null,
    action: e.action,
    target: e.target ?? null,
    ip: e.ip ?? null,
    details: e.details ?? null,
  });
}

/** Runs an org write and its audit entry in one transaction (the entry's check can roll the write back). */
export function auditedWrite<T>(em: EntityManager, write: (tx: EntityManager) => Promise<T>, entry: (result: T) => AuditEntry): Promise<T> {
  return em.transactional(async (tx) => {
    const result = await write(tx);
    await recordAudit(tx, entry(result));
    return result;
  });
}

/** Audit entries matching `where`, newest first. */
export async function auditEntries(em: EntityManager, where: FilterQuery<AuditEntryRow>, page: AuditPage): Promise<AuditJson[]> {
  const list = await em.find(AuditLog, page.before === undefined ? where : { $and: [where, { id: { $lt: Number(page.before) } }] }, {
    fields: ['at', 'action', 'actorKey', 'target', 'ip', 'details', 'actorUser.email'],
    orderBy: { id: 'desc' },
    limit: page.limit,
  });
  return list.map((a) => ({
    id: String(a.id),
    at: a.at.toISOString(),
    action: a.action,
    actor: { userId: a.actorUser?.id ?? null, email: a.actorUser?.email ?? null, keyId: a.actorKey?.id ?? null },
    target: a.target ?? null,
    ip: a.ip ?? null,
    details: a.details ?? null,
  }));
}

/** A person's own account events: sign-ins, failed sign-ins against the account, password changes, session revocations. */
export function accountActivity(em: EntityManager, userId: string, page: AuditPage): Promise<AuditJson[]> {
  return auditEntries(em, { org: null, target: userId }, page);
}
