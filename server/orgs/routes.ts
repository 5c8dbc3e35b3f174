import Router, { type RouterContext } from '@koa/router';
import type { EntityManager } from '@mikro-orm/postgresql';
import type Koa from 'koa';
import { z } from 'zod';
import { createApiKey, listApiKeys, revokeApiKey, type KeyChanges } from '../auth/apikeys.js';
import { auditedWrite, auditQuery, recordAudit, type AuditEntry } from '../auth/audit.js';
import { can, denied, type RequireOrg } from '../auth/authorize.js';
import type { AuthEvents } from '../auth/events.js';
import { orgsOfUser } from '../auth/memberships.js';
import { userOf } from '../auth/routes.js';
import { ROLES, SCOPES } from '../../contracts/auth.js';
import type { OrgState, Principal } from '../auth/types.js';
import { forbidden, notFound } from '../errors.js';
import { parse } from '../http/body.js';
import { firstSteps } from './first-steps.js';
import * as orgs from './service.js';

const name = z.string().trim().min(1).max(100);
export const orgBody = z.strictObject({ name });
export const orgPatch = z.strictObject({ name: name.optional(), membersCanWrite: z.boolean().optional() });
export const rolePatch = z.strictObject({ role: z.enum(ROLES) });
export const keyBody = z.strictObject({ name, scopes: z.array(z.enum(SCOPES)).min(1).max(SCOPES.length) });

type Ctx = RouterContext<OrgState>;

function uuidParam(ctx: Ctx, key: string, what: string): string {
  const v = z.uuid().safeParse(ctx.params[key]);
  if (!v.success) throw notFound(what);
  return v.data;
}

/** Organizations, members, API keys and the audit log (invitations: invitation-routes.ts). */
export function orgRoutes(deps: { em: () => EntityManager; requireOrg: RequireOrg; events: AuthEvents }): Router<OrgState> {
  const { em, requireOrg, events } = deps;
  const router = new Router<OrgState>();
  const entry = (ctx: Ctx, action: string, target?: string, details?: Record<string, unknown>): AuditEntry =>
    ({ orgId: ctx.state.orgId, principal: ctx.state.principal, action, target, ip: ctx.ip, details });
  const actor = (ctx: Ctx) => ({ principal: ctx.state.principal, ip: ctx.ip, canManageOwners: can(ctx.state, 'owners:manage') });
  // After the commit: the sockets of keys that lost scopes reconnect with what is left (or not at all).
  const announceKeys = (keys: KeyChanges) => {
    for (const keyId of keys.revoked) events.emit('key:revoked', { keyId });
    for (const keyId of keys.narrowed) events.emit('key:narrowed', { keyId });
  };

  router.get('/orgs', async (ctx) => {
    const p = ctx.state.principal as Principal | undefined;
    if (p?.kind === 'key') {
      const org = await orgs.getOrg(em(), p.orgId);
      ctx.body = [{ id: org.id, name: org.name, role: null }];
    } else ctx.body = await orgsOfUser(em(), userOf(ctx as unknown as Koa.Context).userId);
  });

  router.post('/orgs', async (ctx) => {
    const p = ctx.state.principal as Principal | undefined;
    if (p?.kind === 'key') throw forbidden('Organizations are created by people, not API keys');
    const user = userOf(ctx as unknown as Koa.Context);
    const body = parse(orgBody, ctx.request.body);
    const org = await em().transactional((tx) => orgs.createOrg(tx, body.name, user.userId));
    await recordAudit(em(), { orgId: org.id, principal: user, action: 'org.created', target: org.id, ip: ctx.ip });
    events.emit('org:created', { orgId: org.id });
    ctx.status = 201;
    ctx.body = { ...org, role: 'owner' };
  });

  router.get('/orgs/:org', requireOrg('org:read'), async (ctx) => {
    ctx.body = { ...(await orgs.getOrg(em(), ctx.state.orgId)), role: ctx.state.role ?? null };
  });

  // The first-run tour: for those who can take every step of it (owners, admins, org:admin keys).
  router.get('/orgs/:org/first-steps', requireOrg('org:update'), async (ctx) => {
    ctx.body = await firstSteps(em(), ctx.state.orgId);
  });

  router.patch('/orgs/:org', requireOrg('org:update'), async (ctx) => {
    const body = parse(orgPatch, ctx.request.body);
    const org = await auditedWrite(em(), (tx) => orgs.updateOrg(tx, ctx.state.orgId, body), (o) => entry(ctx, 'org.updated', o.id, body));
    ctx.body = { ...org, role: ctx.state.role ?? null };
  });

  router.delete('/orgs/:org', requireOrg('org:delete'), async (ctx) => {
    await orgs.deleteOrg(em(), ctx.state.orgId);
    ctx.status = 204;
  });

  router.get('/orgs/:org/members', requireOrg('members:read'), async (ctx) => {
    ctx.body = await orgs.listMembers(em(), ctx.state.orgId);
  });

  router.patch('/orgs/:org/members/:userId', requireOrg('members:manage'), async (ctx) => {
    const userId = uuidParam(ctx, 'userId', 'Member');
    const body = parse(rolePatch, ctx.request.body);
    const { member, keys } = await em().transactional((tx) => orgs.changeRole(tx, ctx.state.orgId, userId, body.role, actor(ctx)));
    announceKeys(keys);
    ctx.body = member;
  });

  // Anyone may leave; removing someone else needs members:manage.
  router.delete('/orgs/:org/members/:userId', requireOrg('org:read'), async (ctx) => {
    const userId = uuidParam(ctx, 'userId', 'Member');
    const p = ctx.state.principal;
    const self = p.kind === 'user' && p.userId === userId;
    if (!self && !can(ctx.state, 'members:manage')) throw denied(p, 'members:manage');
    const keys = await em().transactional((tx) => orgs.removeMember(tx, ctx.state.orgId, userId, { ...actor(ctx), self }));
    events.emit('member:removed', { orgId: ctx.state.orgId, userId });
    announceKeys(keys);
    ctx.status = 204;
  });

  router.get('/orgs/:org/api-keys', requireOrg('keys:manage'), async (ctx) => {
    ctx.body = await listApiKeys(em(), ctx.state.orgId);
  });

  router.post('/orgs/:org/api-keys', requireOrg('keys:manage'), async (ctx) => {
    const body = parse(keyBody, ctx.request.body);
    const created = await auditedWrite(
      em(),
      (tx) => createApiKey(tx, ctx.state.orgId, body.name, [...new Set(body.scopes)], ctx.state.principal),
      (k) => entry(ctx, 'api_key.created', k.id, { name: body.name, scopes: k.scopes }),
    );
    ctx.set('Cache-Control', 'no-store');
    ctx.status = 201;
    ctx.body = created;
  });

  router.delete('/orgs/:org/api-keys/:id', requireOrg('keys:manage'), async (ctx) => {
    const id = uuidParam(ctx, 'id', 'API key');
    // Recorded first: a key revoking itself is still live when its entry is checked.
    await em().transactional(async (tx) => {
      await recordAudit(tx, entry(ctx, 'api_key.revoked', id));
      if (!(await revokeApiKey(tx, ctx.state.orgId, id))) throw notFound('API key');
    });
    events.emit('key:revoked', { keyId: id });
    ctx.status = 204;
  });

  router.get('/orgs/:org/audit-log', requireOrg('audit:read'), async (ctx) => {
    const q = parse(auditQuery, ctx.query);
    ctx.body = await orgs.auditLog(em(), ctx.state.orgId, q);
  });

  return router;
}
