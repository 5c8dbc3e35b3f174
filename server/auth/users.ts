import { raw, type EntityManager } from '@mikro-orm/postgresql';
import type { Config } from '../config.js';
import { User, type UserRow } from './entities.js';
import type { Role } from '../../contracts/auth.js';
import type { UserJson, OrgJson } from '../../contracts/accounts.js';

export const userJson = (u: Pick<UserRow, 'id' | 'email' | 'name' | 'createdAt'>): UserJson => ({
  id: u.id,
  email: u.email,
  name: u.name,
  createdAt: u.createdAt.toISOString(),
});

/** The account of an email whatever its case (lower() on both sides, as the unique index users_email_key compares). */
export async function findUserByEmail(em: EntityManager, email: string): Promise<UserRow | undefined> {
  return (await em.findOne(User, { [raw((a) => `lower(${a}.email)`)]: raw('lower(?)', [email]) })) ?? undefined;
}

export async function findUser(em: EntityManager, id: string): Promise<UserRow | undefined> {
  return (await em.findOne(User, { id })) ?? undefined;
}

export async function setPassword(em: EntityManager, userId: string, hash: string): Promise<void> {
  await em.nativeUpdate(User, { id: userId }, { passwordHash: hash, passwordChangedAt: raw('now()') });
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
