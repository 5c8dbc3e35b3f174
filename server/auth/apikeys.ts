import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { iso, row, rows, run, textArray } from '../db/sql.js';
import { recordAudit, type Actor } from './audit.js';
import { scopesWithin } from './authorize.js';
import type { Role, Scope } from '../../contracts/auth.js';
import type { Principal } from './types.js';
import type { ApiKeyInfo } from '../../contracts/accounts.js';

export const KEY_PREFIX = 'pp_live_';
/** pp_live_ + 32 random bytes in base64url (43 characters). */
export const KEY_PATTERN = /^pp_live_[A-Za-z0-9_-]{43}$/;
// Shown in lists so people can tell keys apart; far too short to guess the rest from.
const DISPLAY_CHARS = KEY_PREFIX.length + 6;

export const hashKey = (key: string) => createHash('sha256').update(key).digest();

interface KeyRow {
  id: string;
  name: string;
  prefix: string;
  scopes: Scope[];
  created_at: Date;
  last_used_at: Date | null;
  created_by: string | null;
}

const toInfo = (k: KeyRow): ApiKeyInfo => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  scopes: k.scopes,
  createdAt: iso(k.created_at)!,
  lastUsedAt: iso(k.last_used_at),
  createdBy: k.created_by,
});

/**
 * Creates a key and answers it in clear: the only time anyone sees it. A key made by a key is
 * answerable to the same person as its maker, so it cannot outlive that person's membership.
 */
export async function createApiKey(em: EntityManager, orgId: string, name: string, scopes: Scope[], by: Principal) {
  const key = KEY_PREFIX + randomBytes(32).toString('base64url');
  const id = randomUUID();
  const created = await row<KeyRow>(
    em,
    `INSERT INTO api_keys (id, org_id, name, prefix, key_hash, scopes, created_by)
     VALUES (?, ?, ?, ?, ?, ?::text[], coalesce(?::uuid, (SELECT created_by FROM api_keys WHERE id = ?)))
     RETURNING id, name, prefix, scopes, created_at, last_used_at, created_by`,
    [id, orgId, name, key.slice(0, DISPLAY_CHARS), hashKey(key), textArray(scopes), by.kind === 'user' ? by.userId : null, by.kind === 'key' ? by.keyId : null],
  );
  return { ...toInfo(created!), key };
}

export async function listApiKeys(em: EntityManager, orgId: string): Promise<ApiKeyInfo[]> {
  const list = await rows<KeyRow>(
    em,
    `SELECT id, name, prefix, scopes, created_at, last_used_at, created_by FROM api_keys
     WHERE org_id = ? AND revoked_at IS NULL ORDER BY created_at DESC`,
    [orgId],
  );
  return list.map(toInfo);
}

/** Revokes a key of this org; false when there is no such live key. */
export async function revokeApiKey(em: EntityManager, orgId: string, id: string): Promise<boolean> {
  return (await run(em, 'UPDATE api_keys SET revoked_at = now() WHERE id = ? AND org_id = ? AND revoked_at IS NULL', [id, orgId])) === 1;
}

/** The keys a membership change revoked and narrowed (their sockets must drop). */
export interface KeyChanges {
  revoked: string[];
  narrowed: string[];
}

/**
 * Brings the live keys `userId` is answerable for in the org within what `role` allows (null:
 * no longer a member; see scopesWithin): scopes the role does not allow are dropped, and a key
 * left with none is revoked. Call in the membership change's transaction. Every entry is
 * recorded before any key changes, so an acting key that is among them still passes its check.
 */
export async function fitKeysToRole(em: EntityManager, orgId: string, userId: string, role: Role | null, actor: Actor, reason: string): Promise<KeyChanges> {
  const keys = await rows<{ id: string; scopes: Scope[] }>(
    em,
    'SELECT id, scopes FROM api_keys WHERE org_id = ? AND created_by = ? AND revoked_at IS NULL ORDER BY id FOR UPDATE',
    [orgId, userId],
  );
  const changes = keys.map((k) => ({ ...k, kept: scopesWithin(role, k.scopes) })).filter((k) => k.kept.length < k.scopes.length);
  for (const k of changes) {
    const entry = k.kept.length ? { action: 'api_key.narrowed', details: { reason, from: k.scopes, to: k.kept } } : { action: 'api_key.revoked', details: { reason } };
    await recordAudit(em, { orgId, principal: actor.principal, ip: actor.ip, ...entry, target: k.id });
  }
  for (const k of changes) {
    if (k.kept.length) await run(em, 'UPDATE api_keys SET scopes = ?::text[] WHERE id = ?', [textArray(k.kept), k.id]);
    else await run(em, 'UPDATE api_keys SET revoked_at = now() WHERE id = ?', [k.id]);
  }
  return { revoked: changes.filter((k) => !k.kept.length).map((k) => k.id), narrowed: changes.filter((k) => k.kept.length).map((k) => k.id) };
}

interface KeyPrincipalRow {
  id: string;
  org_id: string;
  scopes: Scope[];
  last_used_at: Date | null;
}

/** Finds a live key by its clear text (hashed here, compared by index lookup). */
async function findLiveKey(em: EntityManager, key: string): Promise<KeyPrincipalRow | undefined> {
  return row<KeyPrincipalRow>(em, 'SELECT id, org_id, scopes, last_used_at FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL', [hashKey(key)]);
}

/** A live key's principal by id, as it stands now (scopes narrow, keys get revoked after a socket was let in). */
export async function liveKeyPrincipal(em: EntityManager, keyId: string): Promise<Extract<Principal, { kind: 'key' }> | undefined> {
  const key = await row<KeyPrincipalRow>(em, 'SELECT id, org_id, scopes, last_used_at FROM api_keys WHERE id = ? AND revoked_at IS NULL', [keyId]);
  return key && { kind: 'key', keyId: key.id, orgId: key.org_id, scopes: key.scopes };
}

const TOUCH_EVERY_MS = 60_000;

/**
 * The principal of an API key in clear text, or undefined when it is malformed, unknown or
 * revoked. Records lastUsedAt (at most once a minute).
 */
export async function keyPrincipal(em: EntityManager, token: string): Promise<Extract<Principal, { kind: 'key' }> | undefined> {
  if (!KEY_PATTERN.test(token)) return undefined;
  const key = await findLiveKey(em, token);
  if (!key) return undefined;
  if (!key.last_used_at || Date.now() - new Date(key.last_used_at).getTime() > TOUCH_EVERY_MS) await touchApiKey(em, key.id);
  return { kind: 'key', keyId: key.id, orgId: key.org_id, scopes: key.scopes };
}

async function touchApiKey(em: EntityManager, id: string): Promise<void> {
  await run(em, 'UPDATE api_keys SET last_used_at = now() WHERE id = ?', [id]);
}
