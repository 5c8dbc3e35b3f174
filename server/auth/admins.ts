import type { EntityManager } from '@mikro-orm/postgresql';
import type { Config } from '../config.js';
import { row, run, textArray } from '../db/sql.js';

/** instance_settings key naming the first account ever created: `{ "userId": uuid }`. */
const FIRST_USER = 'first_user';

/** Records the install's first account; call in the signup transaction that decided it was first. */
export async function recordFirstUser(em: EntityManager, userId: string): Promise<void> {
  await run(em, 'INSERT INTO instance_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING', [FIRST_USER, JSON.stringify({ userId })]);
}

/**
 * Instance administrators may see what spans every organization (e.g. /metrics): the first
 * account ever created, plus the accounts whose email is in PINGPAGE_ADMINS.
 */
export async function isInstanceAdmin(em: EntityManager, userId: string, config: Pick<Config, 'PINGPAGE_ADMINS'>): Promise<boolean> {
  const hit = await row(
    em,
    `SELECT 1 AS one FROM users u
     WHERE u.id = ? AND (
       u.id::text = (SELECT value->>'userId' FROM instance_settings WHERE key = ?)
       OR lower(u.email) = ANY (?::text[]))`,
    [userId, FIRST_USER, textArray(config.PINGPAGE_ADMINS.map((e) => e.toLowerCase()))],
  );
  return hit !== undefined;
}
