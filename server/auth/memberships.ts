/** Who belongs to which organization, with which role: what authorization reads on every request. */
import type { EntityManager } from '@mikro-orm/postgresql';
import { Membership, Org } from './entities.js';
import type { OrgPolicy } from './authorize.js';
import type { Role } from '../../contracts/auth.js';

export async function orgsOfUser(em: EntityManager, userId: string): Promise<{ id: string; name: string; role: Role }[]> {
  const list = await em.find(Membership, { user: userId }, { populate: ['org'], orderBy: { org: { name: 'asc', id: 'asc' } } });
  return list.map((m) => ({ id: m.org.id, name: m.org.name, role: m.role }));
}

export async function membership(em: EntityManager, orgId: string, userId: string): Promise<{ role: Role; policy: OrgPolicy } | undefined> {
  const m = await em.findOne(Membership, { org: orgId, user: userId }, { populate: ['org'] });
  return m ? { role: m.role, policy: { membersCanWrite: m.org.membersCanWrite } } : undefined;
}

export async function orgPolicy(em: EntityManager, orgId: string): Promise<OrgPolicy | undefined> {
  const o = await em.findOne(Org, { id: orgId }, { fields: ['membersCanWrite'] });
  return o ? { membersCanWrite: o.membersCanWrite } : undefined;
}
