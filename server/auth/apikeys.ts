import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { LockMode, raw, type EntityManager } from '@mikro-orm/postgresql';
import { ApiKey, type ApiKeyRow } from './entities.js';
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

const toInfo = (k: Pick<ApiKeyRow, 'id' | 'name' | 'prefix' | 'scopes' | 'createdAt' | 'lastUsedAt' | 'createdBy'>): ApiKeyInfo => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  scopes: k.scopes,
  createdAt: k.createdAt.toISOString(),
  lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
  createdBy: k.createdBy?.id ?? null,
});

/** The person answerable for what `by` makes: themselves, or the person behind the acting key. */
async function answerable(em: EntityManager, by: Principal): Promise<string | null> {
  if (by.kind === 'user') return by.userId;
  const maker = await em.findOne(ApiKey, { id: by.keyId }, { fields: ['createdBy'] });
  return maker?.createdBy?.id ?? null;
}

/**
 * Creates a key and answers it in clear: the only time anyone sees it. A key made by a key is
 * answerable to the same person as its maker, so it cannot outlive that person's membership.
 */
export async function createApiKey(em: EntityManager, orgId: string, name: string, scopes: Scope[], by: Principal) {
  const key = KEY_PREFIX + randomBytes(32).toString('base64url');
  const created = em.create(ApiKey, {
    id: randomUUID(),
    org: orgId,
    name,
    prefix: key.slice(0, DISPLAY_CHARS),
    keyHash: hashKey(key),
    scopes,
    createdBy: await answerable(em, by),
  });
  await em.flush();
  return { ...toInfo(created), key };
}

export async function listApiKeys(em: EntityManager, orgId: string): Promise<ApiKeyInfo[]> {
  const list = await em.find(ApiKey, { org: orgId, revokedAt: null }, { orderBy: { createdAt: 'desc' } });
  return list.map(toInfo);
}

/** Revokes a key of this org; false when there is no such live key. */
export async function revokeApiKey(em: EntityManager, orgId: string, id: string): Promise<boolean> {
  return (await em.nativeUpdate(ApiKey, { id, org: orgId, revokedAt: null }, { revokedAt: raw('now()') })) === 1;
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
  const keys = await em.find(
    ApiKey,
    { org: orgId, createdBy: userId, revokedAt: null },
    { fields: ['scopes'], orderBy: { id: 'asc' }, lockMode: LockMode.PESSIMISTIC_WRITE },
  );
  const changes = keys.map((k) => ({ id: k.id, scopes: k.scopes, kept: scopesWithin(role, k.scopes) })).filter((k) => k.kept.length < k.scopes.length);
  for (const k of changes) {
    const entry = k.kept.length ? { action: 'api_key.narrowed', details: { reason, from: k.scopes, to: k.kept } } : { action: 'api_key.revoked', details: { reason } };
    await recordAudit(em, { orgId, principal: actor.principal, ip: actor.ip, ...entry, target: k.id });
  }
  for (const k of changes) {
    await em.nativeUpdate(ApiKey, { id: k.id }, k.kept.length ? { scopes: k.kept } : { revokedAt: raw('now()') });
  }
  return { revoked: changes.filter((k) => !k.kept.length).map((k) => k.id), narrowed: changes.filter((k) => k.kept.length).map((k) => k.id) };
}

/** Finds a live key by its clear text (hashed here, compared by index lookup). */
function findLiveKey(em: EntityManager, key: string) {
  return em.findOne(ApiKey, { keyHash: hashKey(key), revokedAt: null }, { fields: ['org', 'scopes', 'lastUsedAt'] });
}

/** A live key's principal by id, as it stands now (scopes narrow, keys get revoked after a socket was let in). */
export async function liveKeyPrincipal(em: EntityManager, keyId: string): Promise<Extract<Principal, { kind: 'key' }> | undefined> {
  const key = await em.findOne(ApiKey, { id: keyId, revokedAt: null }, { fields: ['org', 'scopes'] });
  return key ? { kind: 'key', keyId: key.id, orgId: key.org.id, scopes: key.scopes } : undefined;
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
  if (!key.lastUsedAt || Date.now() - key.lastUsedAt.getTime() > TOUCH_EVERY_MS) await touchApiKey(em, key.id);
  return { kind: 'key', keyId: key.id, orgId: key.org.id, scopes: key.scopes };
}

async function touchApiKey(em: EntityManager, id: string): Promise<void> {
  await em.nativeUpdate(ApiKey, { id }, { lastUsedAt: raw('now()') });
}
