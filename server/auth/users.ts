import type { EntityManager } from '@mikro-orm/postgresql';
import type { Config } from '../config.js';
import { iso, row, run } from '../db/sql.js';
import type { Role } from '../../contracts/auth.js';
import type { UserJson, OrgJson } from '../../contracts/accounts.js';

export interface UserRow {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  created_at: Date;
}

export const userJson = (u: UserRow): UserJson => ({ id: u.id, email: u.email, name: u.name, createdAt: iso(u.created_at)! });

export function findUserByEmail(em: EntityManager, email: string) {
  return row<UserRow>(em, 'SELECT * FROM users WHERE lower(email) = lower(?)', [email]);
}

export function findUser(em: EntityManager, id: string) {
  return row<UserRow>(em, 'SELECT * FROM users WHERE id = ?', [id]);
}

export async function setPassword(em: EntityManager, userId: string, hash: string): Promise<void> {
  await run(em, 'UPDATE users SET password_hash = ?, password_changed_at = now() WHERE id = ?', [hash, userId]);
}

export interface SignupInput {
  email: string;
  name: string;
  passwordHash: string;
  orgName?: string;
  ip?: string;
  /** The secret of an invitation link: the account accepts it in the same transaction. */
  invitationToken?: string;
  /** The request came from this machine, relayed by no one (see setup.ts). */
  local: boolean;
  /** The set-up code printed at start; needed for the first account unless `local`. */
  setupCode?: string;
}

export interface SignupResult {
  user: UserJson;
  /** The organization the account got of its own (the first user, open signup, or orgName). */
  org: OrgJson | null;
  /** The organization joined through `invitationToken`. */
  joined: { id: string; name: string; role: Role } | null;
}

/** Creates an account and its organization (orgs/signup.ts): handed to the auth routes, since organizations build on auth. */
export type Signup = (em: EntityManager, config: Config, input: SignupInput) => Promise<SignupResult>;
