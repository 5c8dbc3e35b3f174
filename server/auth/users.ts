import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Config } from '../config.js';
import { iso, row, rows, run } from '../db/sql.js';
import { AppError, conflict } from '../errors.js';
import { acceptInvitations, createOrg, type OrgJson } from '../orgs/service.js';
import { recordFirstUser } from './admins.js';
import { recordAudit } from './audit.js';

export interface UserJson {
  id: string;
  email: string;
  name: string;
  createdAt: string;
}

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

// Serializes signups so "the very first user" is decided once, even under concurrent requests.
const SIGNUP_LOCK = 0x50_50_51_01;

export interface SignupInput {
  email: string;
  name: string;
  passwordHash: string;
  orgName?: string;
  ip?: string;
}

/**
 * Creates an account under the signup policy: the very first user always (and owns the first
 * organization); then, with PINGPAGE_SIGNUP=invite, only emails holding an invitation; with
 * `open`, anyone, each getting an organization of their own.
 */
export async function signup(em: EntityManager, config: Config, input: SignupInput): Promise<{ user: UserJson; org: OrgJson | null }> {
  return em.transactional(async (tx) => {
    await rows(tx, 'SELECT pg_advisory_xact_lock(?)', [SIGNUP_LOCK]);
    const first = !(await row<{ one: number }>(tx, 'SELECT 1 AS one FROM users LIMIT 1'));
    const invited = await row<{ one: number }>(tx, 'SELECT 1 AS one FROM invitations WHERE lower(email) = lower(?) AND expires_at > now() LIMIT 1', [input.email]);
    if (!first && config.PINGPAGE_SIGNUP === 'invite' && !invited) {
      throw new AppError(403, 'SIGNUP_CLOSED', 'Signing up needs an invitation: ask an admin of your organization to invite this email');
    }
    if (await findUserByEmail(tx, input.email)) throw conflict('EMAIL_TAKEN', 'An account with this email exists: sign in instead');
    const user = await row<UserRow>(tx, 'INSERT INTO users (id, email, name, password_hash) VALUES (?, ?, ?, ?) RETURNING *', [
      randomUUID(),
      input.email,
      input.name,
      input.passwordHash,
    ]);
    if (first) await recordFirstUser(tx, user!.id);
    const joined = await acceptInvitations(tx, user!.id, input.email);
    let org: OrgJson | null = null;
    if (first || config.PINGPAGE_SIGNUP === 'open' || input.orgName) {
      org = await createOrg(tx, input.orgName ?? `${input.name}'s organization`, user!.id);
      joined.push(org.id);
    }
    const principal = { kind: 'user' as const, userId: user!.id, sessionId: '' };
    for (const orgId of joined) await recordAudit(tx, { orgId, principal, action: 'member.joined', target: user!.id, ip: input.ip });
    return { user: userJson(user!), org };
  });
}
