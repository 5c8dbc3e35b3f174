/** /orgs/:org/monitors/:id/alert-policy and /orgs/:org/alert-defaults: parse, call, answer. */
import Router from '@koa/router';
import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import type { RequireOrg } from '../../auth/authorize.js';
import type { OrgState } from '../../auth/types.js';
import { notFound } from '../../errors.js';
import { parse } from '../../http/body.js';
import { alertPolicySchema } from './schema.js';
import * as policies from './service.js';

const uuid = z.uuid();

export function policyRoutes(em: () => EntityManager, requireOrg: RequireOrg): Router<OrgState> {
  const r = new Router<OrgState>();
  const one = '/orgs/:org/monitors/:id/alert-policy';
  const idOf = (ctx: { params: Record<string, string> }) => {
    const id = uuid.safeParse(ctx.params.id);
    if (!id.success) throw notFound('Monitor');
    return id.data;
  };
  const actor = (ctx: { state: OrgState; ip: string }) => ({ principal: ctx.state.principal, ip: ctx.ip });

  r.get(one, requireOrg('monitors:read'), async (ctx) => {
    ctx.body = await policies.getMonitorPolicy(em(), ctx.state.orgId, idOf(ctx));
  });
  r.put(one, requireOrg('monitors:write'), async (ctx) => {
    const id = idOf(ctx);
    const input = parse(alertPolicySchema, ctx.request.body ?? {});
    ctx.body = await em().transactional((tx) => policies.putMonitorPolicy(tx, ctx.state.orgId, id, input, actor(ctx)));
  });
  r.delete(one, requireOrg('monitors:write'), async (ctx) => {
    const id = idOf(ctx);
    ctx.body = await em().transactional((tx) => policies.deleteMonitorPolicy(tx, ctx.state.orgId, id, actor(ctx)));
  });
  r.get('/orgs/:org/alert-defaults', requireOrg('monitors:read'), async (ctx) => {
    ctx.body = await policies.getDefaults(em(), ctx.state.orgId);
  });
  r.put('/orgs/:org/alert-defaults', requireOrg('channels:manage'), async (ctx) => {
    const input = parse(alertPolicySchema, ctx.request.body ?? {});
    ctx.body = await em().transactional((tx) => policies.putDefaults(tx, ctx.state.orgId, input, actor(ctx)));
  });
  return r;
}
