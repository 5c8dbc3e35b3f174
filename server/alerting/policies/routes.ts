/** /orgs/:org/monitors/:id/alert-policy and /orgs/:org/alert-defaults: declared (http/routes.ts). */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { OrgState } from '../../auth/types.js';
import { defineRoute, uuid, type Route, type RouteContext } from '../../http/routes.js';
import { AlertPolicy, PolicyJson } from '../../../contracts/alerting.js';
import { alertPolicySchema } from '../../../contracts/alerting-requests.js';
import * as policies from './service.js';

const route = defineRoute<OrgState>();
const actor = (ctx: RouteContext<OrgState>) => ({ principal: ctx.state.principal, ip: ctx.ip });
const id = uuid('Monitor');
// No body is the empty policy, as `{}`: every field takes its default.
const policyBody = alertPolicySchema.prefault({});

export function policyRoutes(em: () => EntityManager): Route[] {
  const one = '/orgs/:org/monitors/:id/alert-policy';

  return [
    route({
      method: 'get',
      path: one,
      summary: "A monitor's alert policy (or the org defaults it follows)",
      tag: 'Alerting',
      auth: 'monitors:read',
      params: { id },
      responses: { 200: PolicyJson },
      handler: (ctx, { params }) => policies.getMonitorPolicy(em(), ctx.state.orgId, params.id),
    }),

    route({
      method: 'put',
      path: one,
      summary: "Set a monitor's own alert policy",
      tag: 'Alerting',
      auth: 'monitors:write',
      params: { id },
      body: policyBody,
      responses: { 200: PolicyJson },
      handler: (ctx, { params, body }) => em().transactional((tx) => policies.putMonitorPolicy(tx, ctx.state.orgId, params.id, body, actor(ctx))),
    }),

    route({
      method: 'delete',
      path: one,
      summary: "Drop a monitor's own policy (it follows the org defaults again); answers the policy that now applies",
      tag: 'Alerting',
      auth: 'monitors:write',
      params: { id },
      responses: { 200: PolicyJson },
      handler: (ctx, { params }) => em().transactional((tx) => policies.deleteMonitorPolicy(tx, ctx.state.orgId, params.id, actor(ctx))),
    }),

    route({
      method: 'get',
      path: '/orgs/:org/alert-defaults',
      summary: "The org's default alert policy",
      tag: 'Alerting',
      auth: 'monitors:read',
      responses: { 200: AlertPolicy },
      handler: (ctx) => policies.getDefaults(em(), ctx.state.orgId),
    }),

    route({
      method: 'put',
      path: '/orgs/:org/alert-defaults',
      summary: "Set the org's default alert policy",
      tag: 'Alerting',
      auth: 'channels:manage',
      body: policyBody,
      responses: { 200: AlertPolicy },
      handler: (ctx, { body }) => em().transactional((tx) => policies.putDefaults(tx, ctx.state.orgId, body, actor(ctx))),
    }),
  ];
}
