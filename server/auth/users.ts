import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Config } from '../config.js';
import { iso, row, rows, run } from '../db/sql.js';
import { AppError, conflict } from '../errors.js';
import { acceptedAudit, acceptInvitation } from '../orgs/invitations.js';
import { createOrg } from '../orgs/service.js';
import { recordFirstUser } from './admins.js';
import { recordAudit } from './audit.js';
import { clearSetupCodes, setupCodeMatches, SIGNUP_LOCK } from './setup.js';
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

/**
 * Creates an account under the signup policy: the very first user always (and owns the first
 * organization), with the set-up code unless asked from this machine; then, with
 * PINGPAGE_SIGNUP=invite, only someone holding an invitation link for this email; with `open`,
 * anyone, each getting an organization of their own (but for those joining through a link). An
 * invited address gives nothing without its link.
 */
export async function signup(em: EntityManager, config: Config, input: SignupInput): Promise<SignupResult> {
  return em.transactional(async (tx) => {
    await rows(tx, 'SELECT pg_advisory_xact_lock(?)', [SIGNUP_LOCK]);
    const first = !(await row<{ one: number }>(tx, 'SELECT 1 AS one FROM users LIMIT 1'));
    if (first && !input.local) {
      if (!input.setupCode) {
        throw new AppError(403, 'SETUP_CODE_REQUIRED', 'Creating the first account from another machine needs the set-up code PingPage printed in its log at start');
      }
      if (!(await setupCodeMatches(tx, input.setupCode))) throw new AppError(403, 'SETUP_CODE_INVALID', 'This set-up code is not right: copy it from the log of the latest start');
    }
    if (!first && config.PINGPAGE_SIGNUP === 'invite' && !input.invitationToken) {
      throw new AppError(403, 'SIGNUP_CLOSED', 'Signing up needs an invitation: open the link an admin of your organization sent you');
    }
    if (await findUserByEmail(tx, input.email)) throw conflict('EMAIL_TAKEN', 'An account with this email exists: sign in instead');
    const user = await row<UserRow>(tx, 'INSERT INTO users (id, email, name, password_hash) VALUES (?, ?, ?, ?) RETURNING *', [
      randomUUID(),
      input.email,
      input.name,
      input.passwordHash,
    ]);
    if (first) await recordFirstUser(tx, user!.id);
    const principal = { kind: 'user' as const, userId: user!.id, sessionId: '' };
    if (first) await clearSetupCodes(tx);
    let joined: SignupResult['joined'] = null;
    if (input.invitationToken) {
      const accepted = await acceptInvitation(tx, input.invitationToken, user!);
      joined = accepted.org;
      await recordAudit(tx, { orgId: joined.id, principal, ...acceptedAudit(user!, accepted), ip: input.ip });
    }
    let org: OrgJson | null = null;
    // Joining through a link is what the account came for: no organization of its own unless named.
    if (first || input.orgName || (config.PINGPAGE_SIGNUP === 'open' && !joined)) {
      org = await createOrg(tx, input.orgName ?? `${input.name}'s organization`, user!.id);
      await recordAudit(tx, { orgId: org.id, principal, action: 'member.joined', target: user!.id, ip: input.ip });
    }
    return { user: userJson(user!), org, joined };
  });
}
