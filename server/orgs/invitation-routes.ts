import Router, { type RouterContext } from '@koa/router';
import type { EntityManager } from '@mikro-orm/postgresql';
import type Koa from 'koa';
import { z } from 'zod';
import { recordAudit } from '../auth/audit.js';
import { can, type RequireOrg } from '../auth/authorize.js';
import { FailureLimiter } from '../auth/limiter.js';
import { ROLES } from '../../contracts/auth.js';
import type { OrgState, Principal } from '../auth/types.js';
import { findUser } from '../auth/users.js';
import { AppError, forbidden, notFound, unauthorized } from '../errors.js';
import { parse } from '../http/body.js';
import { invitationLink, invitationMessage, type SendMail } from './invitation-mail.js';
import * as invitations from './invitations.js';
import { getOrg } from './service.js';

export const memberBody = z.strictObject({ email: z.email().max(254), role: z.enum(ROLES) });
/** Accepting takes nothing but the link: the role is the invitation's. */
export const acceptBody = z.strictObject({});

type Ctx = RouterContext<OrgState>;

// Unknown links per address: tokens have 256 bits, this only keeps a scanner from costing much.
const LOOKUP_FAILURES = 30;
const WINDOW_MS = 15 * 60_000;

function idParam(ctx: Ctx): string {
  const v = z.uuid().safeParse(ctx.params.id);
  if (!v.success) throw notFound('Invitation');
  return v.data;
}

/**
 * Invitations: made (POST /orgs/:org/members, the route clients know), listed, resent and revoked
 * by members:manage; previewed and accepted by whoever holds the link.
 */
export function invitationRoutes(deps: { em: () => EntityManager; requireOrg: RequireOrg; publicUrl: string; sendMail?: SendMail }): Router<any> {
  const { em, requireOrg, sendMail } = deps;
  const router = new Router<OrgState>();
  const failures = new FailureLimiter(LOOKUP_FAILURES, WINDOW_MS);
  // In the change's own transaction: the entry's check that the actor still holds the org can roll it back.
  const audit = (tx: EntityManager, ctx: Ctx, action: string, target: string, details: Record<string, unknown>) =>
    recordAudit(tx, { orgId: ctx.state.orgId, principal: ctx.state.principal, action, target, ip: ctx.ip, details });
  const userId = (p: Principal) => (p.kind === 'user' ? p.userId : null);

  /**
   * Makes the link (in `make`'s transaction, audited as `action`) and e-mails it, or answers it
   * once to the inviter. A failed e-mail rolls everything back, the previous link included.
   */
  const issue = (ctx: Ctx, action: string, make: (tx: EntityManager, emailed: boolean) => Promise<invitations.Issued>) =>
    em().transactional(async (tx) => {
      const { invitation, token } = await make(tx, sendMail !== undefined);
      await audit(tx, ctx, action, invitation.id, { email: invitation.email, role: invitation.role, emailed: invitation.emailed });
      const link = invitationLink(deps.publicUrl, token);
      if (!sendMail) return { ...invitation, pending: true, link };
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
      return { ...invitation, pending: true };
    });

  router.post('/orgs/:org/members', requireOrg('members:manage'), async (ctx) => {
    const body = parse(memberBody, ctx.request.body);
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
    ctx.status = 201;
    ctx.body = made;
  });

  router.get('/orgs/:org/invitations', requireOrg('members:manage'), async (ctx) => {
    ctx.body = await invitations.listInvitations(em(), ctx.state.orgId);
  });

  router.post('/orgs/:org/invitations/:id/resend', requireOrg('members:manage'), async (ctx) => {
    const id = idParam(ctx);
    const made = await issue(ctx, 'member.invitation_resent', (tx, emailed) =>
      invitations.resendInvitation(tx, { orgId: ctx.state.orgId, id, invitedBy: userId(ctx.state.principal), emailed, canManageOwners: can(ctx.state, 'owners:manage') }),
    );
    ctx.set('Cache-Control', 'no-store');
    ctx.body = made;
  });

  router.delete('/orgs/:org/invitations/:id', requireOrg('members:manage'), async (ctx) => {
    const id = idParam(ctx);
    await em().transactional(async (tx) => {
      const gone = await invitations.revokeInvitation(tx, ctx.state.orgId, id, can(ctx.state, 'owners:manage'));
      await audit(tx, ctx, 'member.invitation_revoked', id, { email: gone.email, role: gone.role });
    });
    ctx.status = 204;
  });

  /** Runs `f` on a link, counting unknown links per address (429 once over the limit). */
  const withLink = async <T>(ctx: Koa.Context, f: (token: string) => Promise<T>): Promise<T> => {
    const wait = failures.blockedFor(ctx.ip);
    if (wait > 0) {
      throw new AppError(429, 'RATE_LIMITED', 'Too many unknown invitation links: try again later', { retryAfterSeconds: wait }, { 'Retry-After': String(wait) });
    }
    try {
      return await f(String(ctx.params.token));
    } catch (err) {
      if (err instanceof AppError && err.code === 'INVITATION_NOT_FOUND') failures.fail(ctx.ip);
      throw err;
    }
  };

  router.get('/invitations/:token', async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await withLink(ctx, (token) => invitations.previewInvitation(em(), token));
  });

  router.post('/invitations/:token/accept', async (ctx) => {
    const p = ctx.state.principal as Principal | undefined;
    if (!p) throw unauthorized('Sign in (or create your account) to accept the invitation');
    if (p.kind !== 'user') throw forbidden('Invitations are accepted by people, not API keys');
    parse(acceptBody, ctx.request.body ?? {});
    ctx.body = await withLink(ctx, (token) =>
      em().transactional(async (tx) => {
        const user = await findUser(tx, p.userId);
        if (!user) throw unauthorized();
        const accepted = await invitations.acceptInvitation(tx, token, user);
        await recordAudit(tx, { orgId: accepted.org.id, principal: p, ...invitations.acceptedAudit(user, accepted), ip: ctx.ip });
        return { org: accepted.org };
      }),
    );
  });

  return router;
}
