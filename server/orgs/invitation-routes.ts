import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { recordAudit } from '../auth/audit.js';
import { can } from '../auth/authorize.js';
import { FailureLimiter } from '../auth/limiter.js';
import { acceptBody, memberBody } from '../../contracts/accounts-requests.js';
import type { OrgState, Principal } from '../auth/types.js';
import { findUser } from '../auth/users.js';
import { AppError, forbidden, unauthorized } from '../errors.js';
import { defineRoute, pathText, uuid, type Route, type RouteContext } from '../http/routes.js';
import { IssuedInvitation, InvitationJson, InvitationPreview, OrgRef } from '../../contracts/accounts.js';
import { invitationLink, invitationMessage, type SendMail } from './invitation-mail.js';
import * as invitations from './invitations.js';
import { TOKEN_PATTERN } from './invitations.js';
import { getOrg } from './service.js';

type Ctx = RouteContext<OrgState>;
const route = defineRoute<OrgState>();

// Unknown links per address: tokens have 256 bits, this only keeps a scanner from costing much.
const LOOKUP_FAILURES = 30;
const WINDOW_MS = 15 * 60_000;

const invitationId = uuid('Invitation');
const token = pathText(z.string().regex(TOKEN_PATTERN), 'The secret of an invitation link (`pp_inv_…`)');

/**
 * Invitations: made (POST /orgs/:org/members, the route clients know), listed, resent and revoked
 * by members:manage; previewed and accepted by whoever holds the link.
 */
export function invitationRoutes(deps: { em: () => EntityManager; publicUrl: string; sendMail?: SendMail }): Route[] {
  const { em, sendMail } = deps;
  const failures = new FailureLimiter(LOOKUP_FAILURES, WINDOW_MS);
  // In the change's own transaction: the entry's check that the actor still holds the org can roll it back.
  const audit = (tx: EntityManager, ctx: Ctx, action: string, target: string, details: Record<string, unknown>) =>
    recordAudit(tx, { orgId: ctx.state.orgId, principal: ctx.state.principal, action, target, ip: ctx.ip, details });
  const userId = (p: Principal) => (p.kind === 'user' ? p.userId : null);

  /**
   * Makes the link (in `make`'s transaction, audited as `action`) and e-mails it, or answers it
   * once to the inviter. A failed e-mail rolls everything back, the previous link included.
   */
  const issue = (ctx: Ctx, action: string, make: (tx: EntityManager, emailed: boolean) => Promise<invitations.Issued>): Promise<IssuedInvitation> =>
    em().transactional(async (tx) => {
      const { invitation, token } = await make(tx, sendMail !== undefined);
      await audit(tx, ctx, action, invitation.id, { email: invitation.email, role: invitation.role, emailed: invitation.emailed });
      const link = invitationLink(deps.publicUrl, token);
      if (!sendMail) return { ...invitation, pending: true as const, link };
      const inviter = userId(ctx.state.principal);
      const message = invitationMessage({
        orgName: (await getOrg(tx, ctx.state.orgId)).name,
        inviter: inviter ? ((await findUser(tx, inviter))?.name ?? null) : null,
        role: invitation.role,
        link,
        expiresAt: invitation.expiresAt,
      });
      const sent = await sendMail(invitation.email, message);
      if (!sent.ok) {
        throw new AppError(502, 'INVITATION_EMAIL_FAILED', 'The invitation e-mail could not be sent, so nothing changed: try again, or check the SMTP settings', {
          reason: sent.error?.code ?? 'SEND_FAILED',
        });
      }
      return { ...invitation, pending: true as const };
    });

  /** Runs `f` on a link, counting unknown links per address (429 once over the limit). */
  const withLink = async <T>(ctx: { ip: string }, link: string, f: (token: string) => Promise<T>): Promise<T> => {
    const wait = failures.blockedFor(ctx.ip);
    if (wait > 0) {
      throw new AppError(429, 'RATE_LIMITED', 'Too many unknown invitation links: try again later', { retryAfterSeconds: wait }, { 'Retry-After': String(wait) });
    }
    try {
      return await f(link);
    } catch (err) {
      if (err instanceof AppError && err.code === 'INVITATION_NOT_FOUND') failures.fail(ctx.ip);
      throw err;
    }
  };

  return [
    route({
      method: 'post',
      path: '/orgs/:org/members',
      summary: 'Invite an email (with or without an account): e-mails the link, or answers it once',
      tag: 'Organizations',
      auth: 'members:manage',
      body: memberBody,
      responses: { 201: IssuedInvitation },
      errors: [409, 502],
      handler: async (ctx, { body }) => {
        const made = await issue(ctx, 'member.invited', (tx, emailed) =>
          invitations.createInvitation(tx, {
            orgId: ctx.state.orgId,
            email: body.email,
            role: body.role,
            invitedBy: userId(ctx.state.principal),
            emailed,
            canInviteOwners: can(ctx.state, 'owners:manage'),
          }),
        );
        ctx.set('Cache-Control', 'no-store');
        return made;
      },
    }),

    route({
      method: 'get',
      path: '/orgs/:org/invitations',
      summary: 'Pending and expired invitations (never their links)',
      tag: 'Organizations',
      auth: 'members:manage',
      responses: { 200: z.array(InvitationJson) },
      handler: (ctx) => invitations.listInvitations(em(), ctx.state.orgId),
    }),

    route({
      method: 'post',
      path: '/orgs/:org/invitations/:id/resend',
      summary: 'A new link for an invitation (the old one dies); e-mailed, or answered once',
      tag: 'Organizations',
      auth: 'members:manage',
      params: { id: invitationId },
      responses: { 200: IssuedInvitation },
      errors: [502],
      handler: async (ctx, { params: { id } }) => {
        const made = await issue(ctx, 'member.invitation_resent', (tx, emailed) =>
          invitations.resendInvitation(tx, { orgId: ctx.state.orgId, id, invitedBy: userId(ctx.state.principal), emailed, canManageOwners: can(ctx.state, 'owners:manage') }),
        );
        ctx.set('Cache-Control', 'no-store');
        return made;
      },
    }),

    route({
      method: 'delete',
      path: '/orgs/:org/invitations/:id',
      summary: 'Revoke an invitation (its link dies at once)',
      tag: 'Organizations',
      auth: 'members:manage',
      params: { id: invitationId },
      responses: { 204: null },
      handler: async (ctx, { params: { id } }) => {
        await em().transactional(async (tx) => {
          const gone = await invitations.revokeInvitation(tx, ctx.state.orgId, id, can(ctx.state, 'owners:manage'));
          await audit(tx, ctx, 'member.invitation_revoked', id, { email: gone.email, role: gone.role });
        });
      },
    }),

    route({
      method: 'get',
      path: '/invitations/:token',
      summary: 'What an invitation link offers: organization, inviter, role, email, expiry',
      tag: 'Organizations',
      auth: 'none',
      params: { token },
      responses: { 200: InvitationPreview },
      errors: [410, 429],
      handler: (ctx, { params }) => {
        ctx.set('Cache-Control', 'no-store');
        return withLink(ctx, params.token, (link) => invitations.previewInvitation(em(), link));
      },
    }),

    route({
      method: 'post',
      path: '/invitations/:token/accept',
      summary: 'Accept an invitation as the signed-in account of the invited email',
      tag: 'Organizations',
      auth: 'session',
      params: { token },
      body: acceptBody.optional(),
      responses: { 200: z.object({ org: OrgRef }) },
      errors: [409, 410, 429],
      handler: async (ctx, { params }) => {
        const p = ctx.state.principal;
        if (p.kind !== 'user') throw forbidden('Invitations are accepted by people, not API keys');
        return withLink(ctx, params.token, (link) =>
          em().transactional(async (tx) => {
            const user = await findUser(tx, p.userId);
            if (!user) throw unauthorized();
            const accepted = await invitations.acceptInvitation(tx, link, user);
            await recordAudit(tx, { orgId: accepted.org.id, principal: p, ...invitations.acceptedAudit(user, accepted), ip: ctx.ip });
            return { org: accepted.org };
          }),
        );
      },
    }),
  ];
}
