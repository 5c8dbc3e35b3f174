/** /notifiers and /orgs/:org/notification-channels…: parse, call the service, shape the answer. */
import Router from '@koa/router';
import { z } from 'zod';
import { requirePrincipal, type RequireOrg } from '../../auth/authorize.js';
import type { OrgState } from '../../auth/types.js';
import { notFound } from '../../errors.js';
import { parse } from '../../http/body.js';
import type { NotifierRegistry } from '../registry.js';
import { createChannelBody, patchChannelBody } from './schema.js';
import type { ChannelService } from './service.js';

const uuid = z.uuid();

export function channelRoutes(service: ChannelService, registry: NotifierRegistry, requireOrg: RequireOrg): Router<OrgState> {
  const r = new Router<OrgState>();
  const manage = requireOrg('channels:manage');
  const base = '/orgs/:org/notification-channels';
  const one = `${base}/:id`;
  const idOf = (ctx: { params: Record<string, string> }) => {
    const id = uuid.safeParse(ctx.params.id);
    if (!id.success) throw notFound('Notification channel');
    return id.data;
  };
  const actor = (ctx: { state: OrgState; ip: string }) => ({ principal: ctx.state.principal, ip: ctx.ip });

  r.get('/notifiers', requirePrincipal, (ctx) => {
    ctx.body = registry.list();
  });
  // Whoever sets up monitors picks their channels; secrets are masked in every answer.
  const read = requireOrg('monitors:read');
  r.get(base, read, async (ctx) => {
    ctx.body = await service.list(ctx.state.orgId);
  });
  r.post(base, manage, async (ctx) => {
    const input = parse(createChannelBody, ctx.request.body);
    const created = await service.create(ctx.state.orgId, actor(ctx), input);
    if (created.secret) ctx.set('Cache-Control', 'no-store');
    ctx.status = 201;
    ctx.body = created;
  });
  r.get(one, read, async (ctx) => {
    ctx.body = await service.get(ctx.state.orgId, idOf(ctx));
  });
  r.patch(one, manage, async (ctx) => {
    const id = idOf(ctx);
    ctx.body = await service.update(ctx.state.orgId, actor(ctx), id, parse(patchChannelBody, ctx.request.body ?? {}));
  });
  r.delete(one, manage, async (ctx) => {
    await service.remove(ctx.state.orgId, actor(ctx), idOf(ctx));
    ctx.status = 204;
  });
  r.post(`${one}/test`, manage, async (ctx) => {
    ctx.body = await service.test(ctx.state.orgId, idOf(ctx));
  });
  return r;
}
