import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { LockMode, raw, type EntityManager } from '@mikro-orm/postgresql';
import { Membership, Org, User } from '../auth/entities.js';
import type { Role } from '../../contracts/auth.js';
import { Invitation, type InvitationRow } from './entities.js';
import { AppError, conflict, notFound } from '../errors.js';
import type { InvitationJson, InvitationPreview } from '../../contracts/accounts.js';

/** A pending invitation is valid this long after its link was issued. */
export const INVITE_TTL_DAYS = 7;

export const TOKEN_PREFIX = 'pp_inv_';
/** pp_inv_ + 32 random bytes in base64url (43 characters). */
export const TOKEN_PATTERN = /^pp_inv_[A-Za-z0-9_-]{43}$/;

const hashToken = (token: string) => createHash('sha256').update(token).digest();

const invitationJson = (i: InvitationRow): InvitationJson => ({
  id: i.id,
  email: i.email,
  role: i.role,
  invitedBy: i.invitedBy?.id ?? null,
  createdAt: i.createdAt.toISOString(),
  sentAt: i.sentAt.toISOString(),
  expiresAt: i.expiresAt.toISOString(),
  state: i.expiresAt.getTime() > Date.now() ? 'pending' : 'expired',
  emailed: i.emailed,
});

/** Emails compare as the unique indexes on users and invitations do: lower() on both sides, in the database. */
const sameEmail = (email: string) => ({ [raw((a) => `lower(${a}.email)`)]: raw('lower(?)', [email]) });

/** An invitation with the secret link's token in clear: the only moment anyone has it. */
export interface Issued {
  invitation: InvitationJson;
  token: string;
}

const newToken = () => TOKEN_PREFIX + randomBytes(32).toString('base64url');

/**
 * Invites an email into the org, whether or not it has an account: nobody becomes a member
 * without accepting. Inviting the same email again replaces the pending invitation (new role,
 * new link; the old link dies). `canInviteOwners` guards both the new role and the one replaced.
 */
export async function createInvitation(
  em: EntityManager,
  o: { orgId: string; email: string; role: Role; invitedBy: string | null; emailed: boolean; canInviteOwners: boolean },
): Promise<Issued> {
  const member = await em.count(Membership, { org: o.orgId, user: sameEmail(o.email) });
  if (member) throw conflict('ALREADY_MEMBER', 'This person is already a member');
  const replaced = await em.findOne(Invitation, { org: o.orgId, ...sameEmail(o.email) }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if ((o.role === 'owner' || replaced?.role === 'owner') && !o.canInviteOwners) throw ownersOnly();
  const token = newToken();
  const tokenHash = hashToken(token);
  const expiresAt = raw("now() + ? * interval '1 day'", [INVITE_TTL_DAYS]);
  // Inviting the same email again (whatever its case) replaces the pending invitation: same id, new everything else.
  await em
    .createQueryBuilder(Invitation)
    .insert({ id: randomUUID(), org: o.orgId, email: o.email, role: o.role, invitedBy: o.invitedBy, tokenHash, emailed: o.emailed, expiresAt })
    .onConflict(raw('(org_id, lower(email))'))
    .merge({ role: o.role, invitedBy: o.invitedBy, tokenHash, emailed: o.emailed, sentAt: raw('now()'), expiresAt: raw('excluded.expires_at') })
    .execute();
  // Read back by the new token (unique): the row kept its id when it replaced a pending one.
  const inv = await em.findOneOrFail(Invitation, { tokenHash }, { refresh: true });
  return { invitation: invitationJson(inv), token };
}

const ownersOnly = () => new AppError(403, 'FORBIDDEN', 'Only owners can invite owners');

/** Pending and expired invitations of the org, newest first. */
export async function listInvitations(em: EntityManager, orgId: string): Promise<InvitationJson[]> {
  const list = await em.find(Invitation, { org: orgId }, { orderBy: { sentAt: 'desc', id: 'asc' } });
  return list.map(invitationJson);
}

async function lockInvitation(em: EntityManager, orgId: string, id: string, canManageOwners: boolean): Promise<InvitationRow> {
  const inv = await em.findOne(Invitation, { id, org: orgId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!inv) throw notFound('Invitation');
  if (inv.role === 'owner' && !canManageOwners) throw new AppError(403, 'FORBIDDEN', 'Only owners can change invitations of owners');
  return inv;
}

/** Issues a new link for an invitation of this org: the old one dies at once, the expiry starts again. */
export async function resendInvitation(
  em: EntityManager,
  o: { orgId: string; id: string; invitedBy: string | null; emailed: boolean; canManageOwners: boolean },
): Promise<Issued> {
  await lockInvitation(em, o.orgId, o.id, o.canManageOwners);
  const token = newToken();
  await em.nativeUpdate(
    Invitation,
    { id: o.id },
    {
      tokenHash: hashToken(token),
      // Resent by an API key: the invitation stays the inviter's.
      ...(o.invitedBy !== null && { invitedBy: o.invitedBy }),
      emailed: o.emailed,
      sentAt: raw('now()'),
      expiresAt: raw("now() + ? * interval '1 day'", [INVITE_TTL_DAYS]),
    },
  );
  const inv = await em.findOneOrFail(Invitation, { id: o.id }, { refresh: true });
  return { invitation: invitationJson(inv), token };
}

export async function revokeInvitation(em: EntityManager, orgId: string, id: string, canManageOwners: boolean): Promise<InvitationJson> {
  const inv = await lockInvitation(em, orgId, id, canManageOwners);
  await em.nativeDelete(Invitation, { id });
  return invitationJson(inv);
}

const unknownLink = () =>
  new AppError(404, 'INVITATION_NOT_FOUND', 'This invitation link is not valid: it was used or revoked, or never existed. Ask for a new one.');

/**
 * The invitation behind a link: 404 INVITATION_NOT_FOUND for a malformed, unknown, used or revoked
 * token, 410 INVITATION_EXPIRED past its expiry. `lock` holds the row for the accepting transaction.
 */
async function findByToken(em: EntityManager, token: string, lock = false) {
  if (!TOKEN_PATTERN.test(token)) throw unknownLink();
  // Only the invitation is locked: its organization and inviter are read after, unlocked.
  const inv = await em.findOne(Invitation, { tokenHash: hashToken(token) }, { lockMode: lock ? LockMode.PESSIMISTIC_WRITE : undefined });
  if (!inv) throw unknownLink();
  if (inv.expiresAt.getTime() <= Date.now()) {
    throw new AppError(410, 'INVITATION_EXPIRED', 'This invitation has expired. Ask the person who invited you to send a new one.');
  }
  const org = await em.findOneOrFail(Org, { id: inv.org.id }, { fields: ['name'] });
  const inviter = inv.invitedBy && (await em.findOne(User, { id: inv.invitedBy.id }, { fields: ['name'] }));
  return { ...invitationFields(inv), orgName: org.name, inviterName: inviter?.name ?? null };
}

const invitationFields = (i: InvitationRow) => ({ id: i.id, orgId: i.org.id, email: i.email, role: i.role, expiresAt: i.expiresAt });

export async function previewInvitation(em: EntityManager, token: string): Promise<InvitationPreview> {
  const inv = await findByToken(em, token);
  return { org: { id: inv.orgId, name: inv.orgName }, inviter: inv.inviterName, email: inv.email, role: inv.role, expiresAt: inv.expiresAt.toISOString() };
}

/**
 * Turns the invitation behind `token` into a membership of `user`, once: the row is locked and
 * deleted in the caller's transaction, so of concurrent accepts one wins and the rest find nothing.
 * The account's email must be the invited one.
 */
export async function acceptInvitation(em: EntityManager, token: string, user: { id: string; email: string }) {
  const inv = await findByToken(em, token, true);
  if (inv.email.toLowerCase() !== user.email.toLowerCase()) {
    throw new AppError(403, 'INVITATION_EMAIL_MISMATCH', 'This invitation is for another email address: sign in with the invited account.');
  }
  await em.nativeDelete(Invitation, { id: inv.id });
  const added = await em.createQueryBuilder(Membership).insert({ org: inv.orgId, user: user.id, role: inv.role }).onConflict().ignore().execute();
  if (!added.affectedRows) throw conflict('ALREADY_MEMBER', 'You are already a member of this organization');
  return { invitationId: inv.id, org: { id: inv.orgId, name: inv.orgName, role: inv.role } };
}

/** The audit entry of an accepted invitation (actor: the new member). */
export const acceptedAudit = (user: { id: string; email: string }, a: Awaited<ReturnType<typeof acceptInvitation>>) => ({
  action: 'member.invitation_accepted',
  target: user.id,
  details: { invitationId: a.invitationId, email: user.email, role: a.org.role },
});
