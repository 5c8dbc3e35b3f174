/** /notifiers and /orgs/:org/notification-channels…: declared (http/routes.ts); the service does the work. */
import { z } from 'zod';
import type { OrgState } from '../../auth/types.js';
import { defineRoute, uuid, type Route, type RouteContext } from '../../http/routes.js';
import { ChannelJson, ChannelWithSecret, SendOutcome } from '../../../contracts/alerting.js';
import { PluginInfo } from '../../../contracts/plugins.js';
import type { NotifierRegistry } from '../registry.js';
import { createChannelBody, patchChannelBody } from '../../../contracts/alerting-requests.js';
import type { ChannelService } from './service.js';

const route = defineRoute<OrgState>();
const actor = (ctx: RouteContext<OrgState>) => ({ principal: ctx.state.principal, ip: ctx.ip });
const id = uuid('Notification channel');

export function channelRoutes(service: ChannelService, registry: NotifierRegistry): Route[] {
  const base = '/orgs/:org/notification-channels';
  const one = `${base}/:id`;

  return [
    route({
      method: 'get',
      path: '/notifiers',
      summary: 'Notifier types with their config as JSON Schema',
      tag: 'Alerting',
      auth: 'session-or-key',
      responses: { 200: z.array(PluginInfo) },
      handler: () => [...registry.list()],
    }),

    // Whoever sets up monitors picks their channels (monitors:read); secrets are masked in every answer.
    route({
      method: 'get',
      path: base,
      summary: 'Notification channels (secrets masked)',
      tag: 'Alerting',
      auth: 'monitors:read',
      responses: { 200: z.array(ChannelJson) },
      handler: (ctx) => service.list(ctx.state.orgId),
    }),

    route({
      method: 'post',
      path: base,
      summary: "Create a channel (config is checked against the notifier's schema); a signed notifier's secret is in this answer only",
      tag: 'Alerting',
      auth: 'channels:manage',
      body: createChannelBody,
      responses: { 201: ChannelWithSecret },
      handler: async (ctx, { body }) => {
        const created = await service.create(ctx.state.orgId, actor(ctx), body);
        if (created.secret) ctx.set('Cache-Control', 'no-store');
        return created;
      },
    }),

    route({
      method: 'get',
      path: one,
      summary: 'A notification channel (secrets masked)',
      tag: 'Alerting',
      auth: 'monitors:read',
      params: { id },
      responses: { 200: ChannelJson },
      handler: (ctx, { params }) => service.get(ctx.state.orgId, params.id),
    }),

    route({
      method: 'patch',
      path: one,
      summary: 'Change a channel; masked or missing secrets keep their value (a rotated secret is in this answer only)',
      tag: 'Alerting',
      auth: 'channels:manage',
      params: { id },
      // No body changes nothing, as an empty one.
      body: patchChannelBody.prefault({}),
      responses: { 200: ChannelWithSecret },
      handler: (ctx, { params, body }) => service.update(ctx.state.orgId, actor(ctx), params.id, body),
    }),

    route({
      method: 'delete',
      path: one,
      summary: 'Delete a channel',
      tag: 'Alerting',
      auth: 'channels:manage',
      params: { id },
      responses: { 204: null },
      handler: (ctx, { params }) => service.remove(ctx.state.orgId, actor(ctx), params.id),
    }),

    route({
      method: 'post',
      path: `${one}/test`,
      summary: 'Send a test message now; answers how the send went',
      tag: 'Alerting',
      auth: 'channels:manage',
      params: { id },
      responses: { 200: SendOutcome },
      handler: (ctx, { params }) => service.test(ctx.state.orgId, params.id),
    }),
  ];
}
