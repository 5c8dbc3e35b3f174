/** Who belongs to which organization, with which role: what authorization reads on every request. */
import type { EntityManager } from '@mikro-orm/postgresql';
import { row, rows } from '../db/sql.js';
import type { OrgPolicy } from './authorize.js';
import type { Role } from '../../contracts/auth.js';

export async function orgsOfUser(em: EntityManager, userId: string) {
  const list = await rows<{ id: string; name: string; role: Role }>(
    em,
    'SELECT o.id, o.name, m.role FROM memberships m JOIN orgs o ON o.id = m.org_id WHERE m.user_id = ? ORDER BY o.name, o.id',
    [userId],
  );
  return list.map((o) => ({ id: o.id, name: o.name, role: o.role }));
}

export async function membership(em: EntityManager, orgId: string, userId: string): Promise<{ role: Role; policy: OrgPolicy } | undefined> {
  const m = await row<{ role: Role; members_can_write: boolean }>(
    em,
    'SELECT m.role, o.members_can_write FROM memberships m JOIN orgs o ON o.id = m.org_id WHERE m.org_id = ? AND m.user_id = ?',
    [orgId, userId],
  );
  return m && { role: m.role, policy: { membersCanWrite: m.members_can_write } };
}

export async function orgPolicy(em: EntityManager, orgId: string): Promise<OrgPolicy | undefined> {
  const o = await row<{ members_can_write: boolean }>(em, 'SELECT members_can_write FROM orgs WHERE id = ?', [orgId]);
  return o && { membersCanWrite: o.members_can_write };
}
