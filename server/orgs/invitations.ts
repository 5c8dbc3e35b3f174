import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Role } from '../../contracts/auth.js';
import { iso, row, rows, run } from '../db/sql.js';
import { AppError, conflict, notFound } from '../errors.js';
import type { InvitationJson, InvitationPreview } from '../../contracts/accounts.js';

/** A pending invitation is valid this long after its link was issued. */
export const INVITE_TTL_DAYS = 7;

export const TOKEN_PREFIX = 'pp_inv_';
/** pp_inv_ + 32 random bytes in base64url (43 characters). */
export const TOKEN_PATTERN = /^pp_inv_[A-Za-z0-9_-]{43}$/;

const hashToken = (token: string) => createHash('sha256').update(token).digest();

interface InvitationRow {
  id: string;
  org_id: string;
  email: string;
  role: Role;
  invited_by: string | null;
  created_at: Date;
  sent_at: Date;
  expires_at: Date;
  emailed: boolean;
}

const invitationJson = (i: InvitationRow): InvitationJson => ({
  id: i.id,
  email: i.email,
  role: i.role,
  invitedBy: i.invited_by,
  createdAt: iso(i.created_at)!,
  sentAt: iso(i.sent_at)!,
  expiresAt: iso(i.expires_at)!,
  state: new Date(i.expires_at).getTime() > Date.now() ? 'pending' : 'expired',
  emailed: i.emailed,
});

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
  const member = await row<{ one: number }>(
    em,
    'SELECT 1 AS one FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.org_id = ? AND lower(u.email) = lower(?)',
    [o.orgId, o.email],
  );
  if (member) throw conflict('ALREADY_MEMBER', 'This person is already a member');
  const replaced = await row<{ role: Role }>(em, 'SELECT role FROM invitations WHERE org_id = ? AND lower(email) = lower(?) FOR UPDATE', [o.orgId, o.email]);
  if ((o.role === 'owner' || replaced?.role === 'owner') && !o.canInviteOwners) throw ownersOnly();
  const token = newToken();
  const inv = await row<InvitationRow>(
    em,
    `INSERT INTO invitations (id, org_id, email, role, invited_by, token_hash, emailed, expires_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, now() + ? * interval '1 day')
     ON CONFLICT (org_id, lower(email)) DO UPDATE SET role = excluded.role, invited_by = excluded.invited_by,
       token_hash = excluded.token_hash, emailed = excluded.emailed, sent_at = now(), expires_at = excluded.expires_at
     RETURNING *`,
    [randomUUID(), o.orgId, o.email, o.role, o.invitedBy, hashToken(token), o.emailed, INVITE_TTL_DAYS],
  );
  return { invitation: invitationJson(inv!), token };
}

const ownersOnly = () => new AppError(403, 'FORBIDDEN', 'Only owners can invite owners');

/** Pending and expired invitations of the org, newest first. */
export async function listInvitations(em: EntityManager, orgId: string): Promise<InvitationJson[]> {
  const list = await rows<InvitationRow>(em, 'SELECT * FROM invitations WHERE org_id = ? ORDER BY sent_at DESC, id', [orgId]);
  return list.map(invitationJson);
}

async function lockInvitation(em: EntityManager, orgId: string, id: string, canManageOwners: boolean): Promise<InvitationRow> {
  const inv = await row<InvitationRow>(em, 'SELECT * FROM invitations WHERE id = ? AND org_id = ? FOR UPDATE', [id, orgId]);
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
  const inv = await row<InvitationRow>(
    em,
    `UPDATE invitations SET token_hash = ?, invited_by = coalesce(?, invited_by), emailed = ?, sent_at = now(), expires_at = now() + ? * interval '1 day'
     WHERE id = ? RETURNING *`,
    [hashToken(token), o.invitedBy, o.emailed, INVITE_TTL_DAYS, o.id],
  );
  return { invitation: invitationJson(inv!), token };
}

export async function revokeInvitation(em: EntityManager, orgId: string, id: string, canManageOwners: boolean): Promise<InvitationJson> {
  const inv = await lockInvitation(em, orgId, id, canManageOwners);
  await run(em, 'DELETE FROM invitations WHERE id = ?', [id]);
  return invitationJson(inv);
}

type Found = InvitationRow & { org_name: string; inviter_name: string | null };

const unknownLink = () =>
  new AppError(404, 'INVITATION_NOT_FOUND', 'This invitation link is not valid: it was used or revoked, or never existed. Ask for a new one.');

/**
 * The invitation behind a link: 404 INVITATION_NOT_FOUND for a malformed, unknown, used or revoked
 * token, 410 INVITATION_EXPIRED past its expiry. `lock` holds the row for the accepting transaction.
 */
async function findByToken(em: EntityManager, token: string, lock = false): Promise<Found> {
  if (!TOKEN_PATTERN.test(token)) throw unknownLink();
  const inv = await row<Found>(
    em,
    `SELECT i.*, o.name AS org_name, u.name AS inviter_name FROM invitations i JOIN orgs o ON o.id = i.org_id
     LEFT JOIN users u ON u.id = i.invited_by WHERE i.token_hash = ?${lock ? ' FOR UPDATE OF i' : ''}`,
    [hashToken(token)],
  );
  if (!inv) throw unknownLink();
  if (new Date(inv.expires_at).getTime() <= Date.now()) {
    throw new AppError(410, 'INVITATION_EXPIRED', 'This invitation has expired. Ask the person who invited you to send a new one.');
  }
  return inv;
}

export async function previewInvitation(em: EntityManager, token: string): Promise<InvitationPreview> {
  const inv = await findByToken(em, token);
  return { org: { id: inv.org_id, name: inv.org_name }, inviter: inv.inviter_name, email: inv.email, role: inv.role, expiresAt: iso(inv.expires_at)! };
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
  await run(em, 'DELETE FROM invitations WHERE id = ?', [inv.id]);
  const added = await run(em, 'INSERT INTO memberships (org_id, user_id, role) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', [inv.org_id, user.id, inv.role]);
  if (!added) throw conflict('ALREADY_MEMBER', 'You are already a member of this organization');
  return { invitationId: inv.id, org: { id: inv.org_id, name: inv.org_name, role: inv.role } };
}

/** The audit entry of an accepted invitation (actor: the new member). */
export const acceptedAudit = (user: { id: string; email: string }, a: Awaited<ReturnType<typeof acceptInvitation>>) => ({
  action: 'member.invitation_accepted',
  target: user.id,
  details: { invitationId: a.invitationId, email: user.email, role: a.org.role },
});
