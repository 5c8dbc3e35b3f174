import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { createApiKey, listApiKeys, revokeApiKey, type KeyChanges } from '../auth/apikeys.js';
import { auditedWrite, recordAudit, type AuditEntry } from '../auth/audit.js';
import { auditQuery, keyBody, orgBody, orgPatch, rolePatch } from '../../contracts/accounts-requests.js';
import { can, denied } from '../auth/authorize.js';
import type { AuthEvents } from '../auth/events.js';
import { orgsOfUser } from '../auth/memberships.js';
import { userOf } from '../auth/routes.js';
import { ApiKeyInfo, AuditJson, CreatedApiKey, MemberJson, OrgRef, OrgWithRole } from '../../contracts/accounts.js';
import { FirstSteps } from '../../contracts/first-steps.js';
import type { OrgState, Principal } from '../auth/types.js';
import { forbidden, notFound } from '../errors.js';
import { defineRoute, uuid, type Route, type RouteContext } from '../http/routes.js';
import { firstSteps } from './first-steps.js';
import * as orgs from './service.js';

type Ctx = RouteContext<OrgState>;
const route = defineRoute<OrgState>();

/** Organizations, members, API keys and the audit log (invitations: invitation-routes.ts). */
export function orgRoutes(deps: { em: () => EntityManager; events: AuthEvents }): Route[] {
  const { em, events } = deps;
  const entry = (ctx: Ctx, action: string, target?: string, details?: Record<string, unknown>): AuditEntry =>
    ({ orgId: ctx.state.orgId, principal: ctx.state.principal, action, target, ip: ctx.ip, details });
  const actor = (ctx: Ctx) => ({ principal: ctx.state.principal, ip: ctx.ip, canManageOwners: can(ctx.state, 'owners:manage') });
  // After the commit: the sockets of keys that lost scopes reconnect with what is left (or not at all).
  const announceKeys = (keys: KeyChanges) => {
    for (const keyId of keys.revoked) events.emit('key:revoked', { keyId });
    for (const keyId of keys.narrowed) events.emit('key:narrowed', { keyId });
  };
  const memberId = uuid('Member', 'User id of the member');

  return [
    route({
      method: 'get',
      path: '/orgs',
      summary: 'Organizations of the user (or of the API key)',
      tag: 'Organizations',
      auth: 'session-or-key',
      responses: { 200: z.array(OrgRef.extend({ role: OrgRef.shape.role.nullable().describe("The user's role; null for an API key") })) },
      handler: async (ctx) => {
        const p = ctx.state.principal as Principal | undefined;
        if (p?.kind === 'key') {
          const org = await orgs.getOrg(em(), p.orgId);
          return [{ id: org.id, name: org.name, role: null }];
        }
        return orgsOfUser(em(), userOf(ctx).userId);
      },
    }),

    route({
      method: 'post',
      path: '/orgs',
      summary: 'Create an organization (you become its owner)',
      tag: 'Organizations',
      auth: 'session',
      body: orgBody,
      responses: { 201: OrgWithRole },
      handler: async (ctx, { body }) => {
        const p = ctx.state.principal as Principal | undefined;
        if (p?.kind === 'key') throw forbidden('Organizations are created by people, not API keys');
        const user = userOf(ctx);
        const org = await em().transactional((tx) => orgs.createOrg(tx, body.name, user.userId));
        await recordAudit(em(), { orgId: org.id, principal: user, action: 'org.created', target: org.id, ip: ctx.ip });
        events.emit('org:created', { orgId: org.id });
        return { ...org, role: 'owner' as const };
      },
    }),

    route({
      method: 'get',
      path: '/orgs/:org',
      summary: 'An organization',
      tag: 'Organizations',
      auth: 'org:read',
      responses: { 200: OrgWithRole },
      handler: async (ctx) => ({ ...(await orgs.getOrg(em(), ctx.state.orgId)), role: ctx.state.role ?? null }),
    }),

    // The first-run tour: for those who can take every step of it (owners, admins, org:admin keys).
    route({
      method: 'get',
      path: '/orgs/:org/first-steps',
      summary: "The first-run tour: whether the organization has a monitor of its own (PingPage's self-monitor aside), a notification channel and a status page",
      tag: 'Organizations',
      auth: 'org:update',
      responses: { 200: FirstSteps },
      handler: (ctx) => firstSteps(em(), ctx.state.orgId),
    }),

    route({
      method: 'patch',
      path: '/orgs/:org',
      summary: 'Rename an organization or change its policy',
      tag: 'Organizations',
      auth: 'org:update',
      body: orgPatch,
      responses: { 200: OrgWithRole },
      handler: async (ctx, { body }) => {
        const org = await auditedWrite(em(), (tx) => orgs.updateOrg(tx, ctx.state.orgId, body), (o) => entry(ctx, 'org.updated', o.id, body));
        return { ...org, role: ctx.state.role ?? null };
      },
    }),

    route({
      method: 'delete',
      path: '/orgs/:org',
      summary: 'Delete an organization and everything in it',
      tag: 'Organizations',
      auth: 'org:delete',
      responses: { 204: null },
      handler: async (ctx) => {
        await orgs.deleteOrg(em(), ctx.state.orgId);
      },
    }),

    route({
      method: 'get',
      path: '/orgs/:org/members',
      summary: 'Members',
      tag: 'Organizations',
      auth: 'members:read',
      responses: { 200: z.array(MemberJson) },
      handler: (ctx) => orgs.listMembers(em(), ctx.state.orgId),
    }),

    route({
      method: 'patch',
      path: '/orgs/:org/members/:userId',
      summary: "Change a member's role",
      tag: 'Organizations',
      auth: 'members:manage',
      params: { userId: memberId },
      body: rolePatch,
      responses: { 200: MemberJson },
      errors: [409],
      handler: async (ctx, { params, body }) => {
        const { member, keys } = await em().transactional((tx) => orgs.changeRole(tx, ctx.state.orgId, params.userId, body.role, actor(ctx)));
        announceKeys(keys);
        return member;
      },
    }),

    // Anyone may leave; removing someone else needs members:manage.
    route({
      method: 'delete',
      path: '/orgs/:org/members/:userId',
      summary: 'Leave (yourself) or remove a member (members:manage)',
      tag: 'Organizations',
      auth: 'org:read',
      params: { userId: memberId },
      responses: { 204: null },
      errors: [409],
      handler: async (ctx, { params }) => {
        const { userId } = params;
        const p = ctx.state.principal;
        const self = p.kind === 'user' && p.userId === userId;
        if (!self && !can(ctx.state, 'members:manage')) throw denied(p, 'members:manage');
        const keys = await em().transactional((tx) => orgs.removeMember(tx, ctx.state.orgId, userId, { ...actor(ctx), self }));
        events.emit('member:removed', { orgId: ctx.state.orgId, userId });
        announceKeys(keys);
      },
    }),

    route({
      method: 'get',
      path: '/orgs/:org/api-keys',
      summary: 'API keys (never the keys themselves)',
      tag: 'Organizations',
      auth: 'keys:manage',
      responses: { 200: z.array(ApiKeyInfo) },
      handler: (ctx) => listApiKeys(em(), ctx.state.orgId),
    }),

    route({
      method: 'post',
      path: '/orgs/:org/api-keys',
      summary: 'Create an API key; the key is in this answer only',
      tag: 'Organizations',
      auth: 'keys:manage',
      body: keyBody,
      responses: { 201: CreatedApiKey },
      handler: async (ctx, { body }) => {
        const created = await auditedWrite(
          em(),
          (tx) => createApiKey(tx, ctx.state.orgId, body.name, [...new Set(body.scopes)], ctx.state.principal),
          (k) => entry(ctx, 'api_key.created', k.id, { name: body.name, scopes: k.scopes }),
        );
        ctx.set('Cache-Control', 'no-store');
        return created;
      },
    }),

    route({
      method: 'delete',
      path: '/orgs/:org/api-keys/:id',
      summary: 'Revoke an API key',
      tag: 'Organizations',
      auth: 'keys:manage',
      params: { id: uuid('API key') },
      responses: { 204: null },
      handler: async (ctx, { params: { id } }) => {
        // Recorded first: a key revoking itself is still live when its entry is checked.
        await em().transactional(async (tx) => {
          await recordAudit(tx, entry(ctx, 'api_key.revoked', id));
          if (!(await revokeApiKey(tx, ctx.state.orgId, id))) throw notFound('API key');
        });
        events.emit('key:revoked', { keyId: id });
      },
    }),

    route({
      method: 'get',
      path: '/orgs/:org/audit-log',
      summary: "The org's audit log (its own events only), newest first",
      tag: 'Organizations',
      auth: 'audit:read',
      query: auditQuery,
      responses: { 200: z.array(AuditJson) },
      handler: (ctx, { query }) => orgs.auditLog(em(), ctx.state.orgId, query),
    }),
  ];
}
