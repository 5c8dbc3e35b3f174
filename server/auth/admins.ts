import { raw, type EntityManager } from '@mikro-orm/postgresql';
import type { Config } from '../config.js';
import { InstanceSetting, User } from './entities.js';

/** instance_settings key naming the first account ever created: `{ "userId": uuid }`. */
const FIRST_USER = 'first_user';

/** Records the install's first account; call in the signup transaction that decided it was first. */
export async function recordFirstUser(em: EntityManager, userId: string): Promise<void> {
  await em.createQueryBuilder(InstanceSetting).insert({ key: FIRST_USER, value: { userId } }).onConflict('key').ignore().execute();
}

/**
 * Instance administrators may see what spans every organization (e.g. /metrics): the first
 * account ever created, plus the accounts whose email is in PINGPAGE_ADMINS.
 */
export async function isInstanceAdmin(em: EntityManager, userId: string, config: Pick<Config, 'PINGPAGE_ADMINS'>): Promise<boolean> {
  if (!(await em.findOne(User, { id: userId }, { fields: ['id'] }))) return false;
  const first = await em.findOne(InstanceSetting, { key: FIRST_USER });
  if (isFirstUser(first?.value, userId)) return true;
  const admins = config.PINGPAGE_ADMINS.map((e) => e.toLowerCase());
  // lower() in the database, as the unique index on users compares emails.
  return admins.length > 0 && (await em.count(User, { id: userId, [raw((a) => `lower(${a}.email)`)]: { $in: admins } })) > 0;
}

/** The first_user setting names this account. */
function isFirstUser(value: unknown, userId: string): boolean {
  return typeof value === 'object' && value !== null && 'userId' in value && value.userId === userId;
}
