import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { recordFirstUser } from '../auth/admins.js';
import { recordAudit } from '../auth/audit.js';
import { User } from '../auth/entities.js';
import { anyUser, clearSetupCodes, lockSignups, setupCodeMatches } from '../auth/setup.js';
import { findUserByEmail, userJson, type SignupInput, type SignupResult } from '../auth/users.js';
import type { Config } from '../config.js';
import { AppError, conflict } from '../errors.js';
import { acceptedAudit, acceptInvitation } from './invitations.js';
import { createOrg } from './service.js';
import type { OrgJson } from '../../contracts/accounts.js';

/**
 * Creates an account under the signup policy: the very first user always (and owns the first
 * organization), with the set-up code unless asked from this machine; then, with
 * PINGPAGE_SIGNUP=invite, only someone holding an invitation link for this email; with `open`,
 * anyone, each getting an organization of their own (but for those joining through a link). An
 * invited address gives nothing without its link.
 */
export async function signup(em: EntityManager, config: Config, input: SignupInput): Promise<SignupResult> {
  return em.transactional(async (tx) => {
    await lockSignups(tx);
    const first = !(await anyUser(tx));
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
    const user = tx.create(User, { id: randomUUID(), email: input.email, name: input.name, passwordHash: input.passwordHash });
    await tx.flush();
    if (first) await recordFirstUser(tx, user.id);
    const principal = { kind: 'user' as const, userId: user.id, sessionId: '' };
    if (first) await clearSetupCodes(tx);
    let joined: SignupResult['joined'] = null;
    if (input.invitationToken) {
      const accepted = await acceptInvitation(tx, input.invitationToken, user);
      joined = accepted.org;
      await recordAudit(tx, { orgId: joined.id, principal, ...acceptedAudit(user, accepted), ip: input.ip });
    }
    let org: OrgJson | null = null;
    // Joining through a link is what the account came for: no organization of its own unless named.
    if (first || input.orgName || (config.PINGPAGE_SIGNUP === 'open' && !joined)) {
      org = await createOrg(tx, input.orgName ?? `${input.name}'s organization`, user.id);
      await recordAudit(tx, { orgId: org.id, principal, action: 'member.joined', target: user.id, ip: input.ip });
    }
    return { user: userJson(user), org, joined };
  });
}
