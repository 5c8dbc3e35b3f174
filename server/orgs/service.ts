import { randomUUID } from 'node:crypto';
import { LockMode, raw, type EntityManager } from '@mikro-orm/postgresql';
import { fitKeysToRole, type KeyChanges } from '../auth/apikeys.js';
import { auditEntries, recordAudit, type Actor } from '../auth/audit.js';
import type { AuditPage } from '../../contracts/accounts-requests.js';
import type { Role } from '../../contracts/auth.js';
import { Membership, Org, type MembershipRow, type OrgRow, type UserRow } from '../auth/entities.js';
import { conflict, forbidden, notFound } from '../errors.js';
import type { AuditJson, MemberJson, OrgJson } from '../../contracts/accounts.js';

const orgJson = (o: OrgRow): OrgJson => ({ id: o.id, name: o.name, membersCanWrite: o.membersCanWrite, createdAt: o.createdAt.toISOString() });

export async function createOrg(em: EntityManager, name: string, ownerId: string): Promise<OrgJson> {
  const org = em.create(Org, { id: randomUUID(), name });
  em.create(Membership, { org, user: ownerId, role: 'owner' });
  await em.flush();
  return orgJson(org);
}

export async function getOrg(em: EntityManager, orgId: string): Promise<OrgJson> {
  const org = await em.findOne(Org, { id: orgId });
  if (!org) throw notFound('Organization');
  return orgJson(org);
}

export async function updateOrg(em: EntityManager, orgId: string, patch: { name?: string; membersCanWrite?: boolean }): Promise<OrgJson> {
  const org = await em.findOne(Org, { id: orgId });
  if (!org) throw notFound('Organization');
  if (patch.name !== undefined) org.name = patch.name;
  if (patch.membersCanWrite !== undefined) org.membersCanWrite = patch.membersCanWrite;
  await em.flush();
  return orgJson(org);
}

export async function deleteOrg(em: EntityManager, orgId: string): Promise<void> {
  await em.nativeDelete(Org, { id: orgId });
}

const memberJson = (m: Pick<MembershipRow, 'role' | 'createdAt'> & { user: Pick<UserRow, 'id' | 'email' | 'name'> }): MemberJson => ({
  userId: m.user.id,
  email: m.user.email,
  name: m.user.name,
  role: m.role,
  joinedAt: m.createdAt.toISOString(),
});

export async function listMembers(em: EntityManager, orgId: string): Promise<MemberJson[]> {
  const list = await em.find(
    Membership,
    { org: orgId },
    {
      fields: ['role', 'createdAt', 'user.email', 'user.name'],
      orderBy: [{ [raw((a) => `CASE ${a}.role WHEN 'owner' THEN 0 WHEN 'admin' THEN 1 ELSE 2 END`)]: 'asc' }, { user: { name: 'asc' } }],
    },
  );
  return list.map(memberJson);
}

/**
 * Owners are locked (FOR UPDATE) so two concurrent demotions cannot both pass the last-owner
 * check. Answers the member's current role.
 */
async function lockedRoles(em: EntityManager, orgId: string, userId: string) {
  const owners = await em.find(Membership, { org: orgId, role: 'owner' }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  const target = await em.findOne(Membership, { org: orgId, user: userId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!target) throw notFound('Member');
  return { ownerCount: owners.length, role: target.role };
}

export interface ActorRights {
  /** May change or remove owners, and make new ones. */
  canManageOwners: boolean;
}

/**
 * Changes a member's role; the keys they are answerable for lose the scopes the new role does
 * not allow. Audited, with the keys, in the caller's transaction. Answers the member and the keys changed.
 */
export async function changeRole(
  em: EntityManager,
  orgId: string,
  userId: string,
  role: Role,
  actor: ActorRights & Actor,
): Promise<{ member: MemberJson; keys: KeyChanges }> {
  const current = await lockedRoles(em, orgId, userId);
  if ((current.role === 'owner' || role === 'owner') && !actor.canManageOwners) throw forbidden('Only owners can change owners');
  if (current.role === 'owner' && role !== 'owner' && current.ownerCount === 1) {
    throw conflict('LAST_OWNER', 'An organization needs at least one owner');
  }
  await recordAudit(em, { orgId, principal: actor.principal, ip: actor.ip, action: 'member.role_changed', target: userId, details: { role } });
  const keys = await fitKeysToRole(em, orgId, userId, role, actor, 'role_lowered');
  await em.nativeUpdate(Membership, { org: orgId, user: userId }, { role });
  return { member: (await listMembers(em, orgId)).find((m) => m.userId === userId)!, keys };
}

/**
 * Removes a member (or lets one leave) and revokes every key they are answerable for in the org,
 * audited in the caller's transaction. The entries are written before the membership goes: the
 * one leaving is still a member when their own entries are checked.
 */
export async function removeMember(em: EntityManager, orgId: string, userId: string, actor: ActorRights & Actor & { self: boolean }): Promise<KeyChanges> {
  const current = await lockedRoles(em, orgId, userId);
  if (current.role === 'owner' && !actor.canManageOwners && !actor.self) throw forbidden('Only owners can remove owners');
  if (current.role === 'owner' && current.ownerCount === 1) throw conflict('LAST_OWNER', 'An organization needs at least one owner');
  const action = actor.self ? 'member.left' : 'member.removed';
  await recordAudit(em, { orgId, principal: actor.principal, ip: actor.ip, action, target: userId });
  const keys = await fitKeysToRole(em, orgId, userId, null, actor, actor.self ? 'member_left' : 'member_removed');
  await em.nativeDelete(Membership, { org: orgId, user: userId });
  return keys;
}

/** The org's audit log, newest first: its own events only (a person's account events are theirs, see accountActivity). */
export function auditLog(em: EntityManager, orgId: string, page: AuditPage): Promise<AuditJson[]> {
  return auditEntries(em, { org: orgId }, page);
}
