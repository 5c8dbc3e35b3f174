/** /orgs/:org/monitors…: parse, call the service, shape the answer. */
import Router from '@koa/router';
import type { RequireOrg } from '../auth/authorize.js';
import type { OrgState } from '../auth/types.js';
import { notFound } from '../errors.js';
import { parse } from '../http/body.js';
import { dailyQuery, heartbeatsQuery, monitorIdParam, uptimeQuery } from './schema.js';
import type { Actor, MonitorService } from './service.js';

interface Ctx {
  state: OrgState;
  params: Record<string, string>;
  ip: string;
  query: Record<string, string | string[] | undefined>;
  request: { body?: unknown };
}

const actor = (ctx: Ctx): Actor => ({ principal: ctx.state.principal, ip: ctx.ip });

/** The :id of the path; a malformed one is simply a monitor that does not exist. */
function idOf(ctx: Ctx): string {
  const id = monitorIdParam.safeParse(ctx.params.id);
  if (!id.success) throw notFound('Monitor');
  return id.data;
}

export function monitorRoutes(service: MonitorService, requireOrg: RequireOrg): Router {
  const r = new Router();
  const read = requireOrg('monitors:read');
  const write = requireOrg('monitors:write');
  const base = '/orgs/:org/monitors';
  const one = `${base}/:id`;

  r.get(base, read, async (ctx) => {
    ctx.body = await service.list(ctx.state.orgId);
  });
  r.post(base, write, async (ctx) => {
    const input = parse(service.bodies.create, ctx.request.body);
    ctx.status = 201;
    ctx.body = await service.create(ctx.state.orgId, actor(ctx), input);
  });
  r.get(one, read, async (ctx) => {
    ctx.body = await service.get(ctx.state.orgId, idOf(ctx));
  });
  r.patch(one, write, async (ctx) => {
    const id = idOf(ctx);
    const patch = parse(service.bodies.patch, ctx.request.body ?? {});
    ctx.body = await service.update(ctx.state.orgId, actor(ctx), id, patch);
  });
  r.delete(one, write, async (ctx) => {
    await service.remove(ctx.state.orgId, actor(ctx), idOf(ctx));
    ctx.status = 204;
  });
  r.post(`${one}/pause`, write, async (ctx) => {
    ctx.body = await service.pause(ctx.state.orgId, actor(ctx), idOf(ctx));
  });
  r.post(`${one}/resume`, write, async (ctx) => {
    ctx.body = await service.resume(ctx.state.orgId, actor(ctx), idOf(ctx));
  });
  r.post(`${one}/check`, write, async (ctx) => {
    ctx.body = await service.check(ctx.state.orgId, idOf(ctx));
  });
  r.get(`${one}/heartbeats`, read, async (ctx) => {
    const id = idOf(ctx);
    ctx.body = await service.heartbeats(ctx.state.orgId, id, parse(heartbeatsQuery, { ...ctx.query }));
  });
  r.get(`${one}/uptime`, read, async (ctx) => {
    const id = idOf(ctx);
    ctx.body = await service.uptime(ctx.state.orgId, id, parse(uptimeQuery, { ...ctx.query }).windows);
  });
  r.get(`${one}/daily`, read, async (ctx) => {
    const id = idOf(ctx);
    ctx.body = await service.daily(ctx.state.orgId, id, parse(dailyQuery, { ...ctx.query }).days);
  });
  return r;
}
