import type { EntityManager } from '@mikro-orm/postgresql';
import type { Principal } from './types.js';
import { run } from '../db/sql.js';

/** Who asks, for the audit log: a person or an API key, or no principal for PingPage itself. */
export interface Actor {
  principal?: Principal;
  ip?: string;
}

export interface AuditEntry {
  /** The org the change belongs to; null for account-level events (sign-in of a user). */
  orgId: string | null;
  principal?: Principal;
  /** Dotted verb, e.g. `member.role_changed`, `api_key.created`, `monitor.deleted`. */
  action: string;
  /** What was acted on, e.g. a user id, key id or monitor id. */
  target?: string;
  ip?: string;
  details?: Record<string, unknown>;
}

/** Appends to the audit log (inside the caller's transaction when `em` is in one). */
export async function recordAudit(em: EntityManager, e: AuditEntry): Promise<void> {
  const userId = e.principal?.kind === 'user' ? e.principal.userId : null;
  const keyId = e.principal?.kind === 'key' ? e.principal.keyId : null;
  await run(
    em,
    'INSERT INTO audit_log (org_id, actor_user_id, actor_key_id, action, target, ip, details) VALUES (?, ?, ?, ?, ?, ?, ?)',
    [e.orgId, userId, keyId, e.action, e.target ?? null, e.ip ?? null, e.details ? JSON.stringify(e.details) : null],
  );
}
