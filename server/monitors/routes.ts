/** /orgs/:org/monitors…: declared (http/routes.ts); the service does the work. */
import { z } from 'zod';
import type { OrgState } from '../auth/types.js';
import { defineRoute, uuid, type Route, type RouteContext } from '../http/routes.js';
import { DailyBar, HeartbeatJson, UptimeJson } from '../../contracts/monitors.js';
import { dailyQuery, heartbeatsQuery, uptimeQuery } from '../../contracts/monitors-requests.js';
import type { Actor, MonitorService } from './service.js';

const route = defineRoute<OrgState>();
const actor = (ctx: RouteContext<OrgState>): Actor => ({ principal: ctx.state.principal, ip: ctx.ip });
const id = uuid('Monitor');

export function monitorRoutes(service: MonitorService): Route[] {
  const base = '/orgs/:org/monitors';
  const one = `${base}/:id`;
  const Monitor = service.answer;

  return [
    route({
      method: 'get',
      path: base,
      summary: 'Monitors',
      tag: 'Monitors',
      auth: 'monitors:read',
      responses: { 200: z.array(Monitor) },
      handler: (ctx) => service.list(ctx.state.orgId),
    }),

    route({
      method: 'post',
      path: base,
      summary: "Create a monitor (config is checked against the probe's schema)",
      tag: 'Monitors',
      auth: 'monitors:write',
      body: service.bodies.create,
      responses: { 201: Monitor },
      handler: (ctx, { body }) => service.create(ctx.state.orgId, actor(ctx), body),
    }),

    route({
      method: 'get',
      path: one,
      summary: 'A monitor',
      tag: 'Monitors',
      auth: 'monitors:read',
      params: { id },
      responses: { 200: Monitor },
      handler: (ctx, { params }) => service.get(ctx.state.orgId, params.id),
    }),

    route({
      method: 'patch',
      path: one,
      summary: 'Change a monitor',
      tag: 'Monitors',
      auth: 'monitors:write',
      params: { id },
      // No body changes nothing, as an empty one.
      body: service.bodies.patch.prefault({}),
      responses: { 200: Monitor },
      handler: (ctx, { params, body }) => service.update(ctx.state.orgId, actor(ctx), params.id, body),
    }),

    route({
      method: 'delete',
      path: one,
      summary: 'Delete a monitor and its history',
      tag: 'Monitors',
      auth: 'monitors:write',
      params: { id },
      responses: { 204: null },
      handler: (ctx, { params }) => service.remove(ctx.state.orgId, actor(ctx), params.id),
    }),

    route({
      method: 'post',
      path: `${one}/pause`,
      summary: 'Pause checks',
      tag: 'Monitors',
      auth: 'monitors:write',
      params: { id },
      responses: { 200: Monitor },
      handler: (ctx, { params }) => service.pause(ctx.state.orgId, actor(ctx), params.id),
    }),

    route({
      method: 'post',
      path: `${one}/resume`,
      summary: 'Resume checks',
      tag: 'Monitors',
      auth: 'monitors:write',
      params: { id },
      responses: { 200: Monitor },
      handler: (ctx, { params }) => service.resume(ctx.state.orgId, actor(ctx), params.id),
    }),

    route({
      method: 'post',
      path: `${one}/check`,
      summary: 'Run a check now; answers the probe result, recorded like a scheduled run',
      tag: 'Monitors',
      auth: 'monitors:write',
      params: { id },
      responses: { 200: HeartbeatJson },
      handler: (ctx, { params }) => service.check(ctx.state.orgId, params.id),
    }),

    route({
      method: 'get',
      path: `${one}/heartbeats`,
      summary: 'Check results, newest first',
      tag: 'Monitors',
      auth: 'monitors:read',
      params: { id },
      query: heartbeatsQuery,
      responses: { 200: z.array(HeartbeatJson) },
      handler: (ctx, { params, query }) => service.heartbeats(ctx.state.orgId, params.id, query),
    }),

    route({
      method: 'get',
      path: `${one}/uptime`,
      summary: 'Uptime (percent) over windows such as 24h, 7d, 30d, 90d',
      tag: 'Monitors',
      auth: 'monitors:read',
      params: { id },
      query: uptimeQuery,
      responses: { 200: UptimeJson },
      handler: (ctx, { params, query }) => service.uptime(ctx.state.orgId, params.id, query.windows),
    }),

    route({
      method: 'get',
      path: `${one}/daily`,
      summary: 'Uptime, checks and mean latency per day',
      tag: 'Monitors',
      auth: 'monitors:read',
      params: { id },
      query: dailyQuery,
      responses: { 200: z.array(DailyBar) },
      handler: (ctx, { params, query }) => service.daily(ctx.state.orgId, params.id, query.days),
    }),
  ];
}
