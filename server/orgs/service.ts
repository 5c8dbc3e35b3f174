import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { fitKeysToRole, type KeyChanges } from '../auth/apikeys.js';
import { auditEntries, recordAudit, type Actor, type AuditPage } from '../auth/audit.js';
import type { Role } from '../../contracts/auth.js';
import { iso, row, rows, run } from '../db/sql.js';
import { conflict, forbidden, notFound } from '../errors.js';
import type { AuditJson, MemberJson, OrgJson } from '../../contracts/accounts.js';

interface OrgRow {
  id: string;
  name: string;
  members_can_write: boolean;
  created_at: Date;
}

const orgJson = (o: OrgRow): OrgJson => ({ id: o.id, name: o.name, membersCanWrite: o.members_can_write, createdAt: iso(o.created_at)! });

export async function createOrg(em: EntityManager, name: string, ownerId: string): Promise<OrgJson> {
  const org = await row<OrgRow>(em, 'INSERT INTO orgs (id, name) VALUES (?, ?) RETURNING *', [randomUUID(), name]);
  await run(em, "INSERT INTO memberships (org_id, user_id, role) VALUES (?, ?, 'owner')", [org!.id, ownerId]);
  return orgJson(org!);
}

export async function getOrg(em: EntityManager, orgId: string): Promise<OrgJson> {
  const org = await row<OrgRow>(em, 'SELECT * FROM orgs WHERE id = ?', [orgId]);
  if (!org) throw notFound('Organization');
  return orgJson(org);
}

export async function updateOrg(em: EntityManager, orgId: string, patch: { name?: string; membersCanWrite?: boolean }): Promise<OrgJson> {
  const org = await row<OrgRow>(
    em,
    'UPDATE orgs SET name = coalesce(?, name), members_can_write = coalesce(?, members_can_write) WHERE id = ? RETURNING *',
    [patch.name ?? null, patch.membersCanWrite ?? null, orgId],
  );
  if (!org) throw notFound('Organization');
  return orgJson(org);
}

export async function deleteOrg(em: EntityManager, orgId: string): Promise<void> {
  await run(em, 'DELETE FROM orgs WHERE id = ?', [orgId]);
}

interface MemberRow {
  user_id: string;
  email: string;
  name: string;
  role: Role;
  created_at: Date;
}

const memberJson = (m: MemberRow): MemberJson => ({ userId: m.user_id, email: m.email, name: m.name, role: m.role, joinedAt: iso(m.created_at)! });

export async function listMembers(em: EntityManager, orgId: string): Promise<MemberJson[]> {
  const list = await rows<MemberRow>(
    em,
    `SELECT m.user_id, u.email, u.name, m.role, m.created_at FROM memberships m JOIN users u ON u.id = m.user_id
     WHERE m.org_id = ? ORDER BY CASE m.role WHEN 'owner' THEN 0 WHEN 'admin' THEN 1 ELSE 2 END, u.name`,
    [orgId],
  );
  return list.map(memberJson);
}

/**
 * Owners are locked (FOR UPDATE) so two concurrent demotions cannot both pass the last-owner
 * check. Answers the member's current role.
 */
async function lockedRoles(em: EntityManager, orgId: string, userId: string) {
  const owners = await rows<{ user_id: string }>(em, "SELECT user_id FROM memberships WHERE org_id = ? AND role = 'owner' FOR UPDATE", [orgId]);
  const target = await row<{ role: Role }>(em, 'SELECT role FROM memberships WHERE org_id = ? AND user_id = ? FOR UPDATE', [orgId, userId]);
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
  await run(em, 'UPDATE memberships SET role = ? WHERE org_id = ? AND user_id = ?', [role, orgId, userId]);
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
  await run(em, 'DELETE FROM memberships WHERE org_id = ? AND user_id = ?', [orgId, userId]);
  return keys;
}

/** The org's audit log, newest first: its own events only (a person's account events are theirs, see accountActivity). */
export function auditLog(em: EntityManager, orgId: string, page: AuditPage): Promise<AuditJson[]> {
  return auditEntries(em, 'a.org_id = ?', [orgId], page);
}
