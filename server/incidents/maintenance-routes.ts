/** /orgs/:org/maintenances: thin routes; every write is audited, re-reads the schedule and refreshes the pages. */
import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { auditedWrite, type AuditEntry } from '../auth/audit.js';
import type { OrgState } from '../auth/types.js';
import { defineRoute, uuid, type Route, type RouteContext } from '../http/routes.js';
import type { Clock } from '../scheduler/clock.js';
import type { IncidentEvents } from './events.js';
import * as maintenances from './maintenances.js';
import { MaintenanceJson } from '../../contracts/incidents.js';
import type { MaintenanceSchedule } from './schedule.js';
import { maintenanceCreate, maintenancePatch, maintenanceQuery } from '../../contracts/incidents-requests.js';

type Ctx = RouteContext<OrgState>;
const route = defineRoute<OrgState>();

export interface MaintenanceRoutesDeps {
  em: () => EntityManager;
  clock: Clock;
  events: IncidentEvents;
  schedule: MaintenanceSchedule;
  refresh(pageIds: string[]): Promise<void>;
}

const maintenanceId = uuid('Maintenance');

export function maintenanceRoutes(deps: MaintenanceRoutesDeps): Route[] {
  const { em, clock, schedule, refresh, events } = deps;
  const entry = (ctx: Ctx, action: string, target: string, details?: Record<string, unknown>): AuditEntry =>
    ({ orgId: ctx.state.orgId, principal: ctx.state.principal, action, target, ip: ctx.ip, details });
  const changed = async (ctx: Ctx, event: 'maintenance.created' | 'maintenance.updated' | 'maintenance.deleted', m: MaintenanceJson, pageIds: string[]) => {
    await schedule.reload();
    await refresh(pageIds);
    events.emit('maintenance', { orgId: ctx.state.orgId, event, maintenance: { id: m.id, title: m.title, startsAt: m.startsAt, endsAt: m.endsAt, monitorIds: m.monitorIds } });
  };

  return [
    route({
      method: 'get',
      path: '/orgs/:org/maintenances',
      summary: 'Maintenance windows',
      tag: 'Maintenance',
      auth: 'status-pages:read',
      query: maintenanceQuery,
      responses: { 200: z.array(MaintenanceJson) },
      handler: (ctx, { query }) => maintenances.listMaintenances(em(), ctx.state.orgId, query, clock.now()),
    }),

    route({
      method: 'post',
      path: '/orgs/:org/maintenances',
      summary: 'Schedule a maintenance window',
      tag: 'Maintenance',
      auth: 'incidents:write',
      body: maintenanceCreate,
      responses: { 201: MaintenanceJson },
      handler: async (ctx, { body }) => {
        const actor = { userId: ctx.state.principal.kind === 'user' ? ctx.state.principal.userId : null };
        const m = await auditedWrite(em(), (tx) => maintenances.createMaintenance(tx, ctx.state.orgId, body, actor, clock.now()), (w) =>
          entry(ctx, 'maintenance.created', w.id, { title: w.title, startsAt: w.startsAt, endsAt: w.endsAt, monitors: w.monitorIds.length }),
        );
        await changed(ctx, 'maintenance.created', m, m.statusPageIds);
        return m;
      },
    }),

    route({
      method: 'get',
      path: '/orgs/:org/maintenances/:id',
      summary: 'A maintenance window',
      tag: 'Maintenance',
      auth: 'status-pages:read',
      params: { id: maintenanceId },
      responses: { 200: MaintenanceJson },
      handler: (ctx, { params }) => maintenances.getMaintenance(em(), ctx.state.orgId, params.id, clock.now()),
    }),

    route({
      method: 'patch',
      path: '/orgs/:org/maintenances/:id',
      summary: 'Change a maintenance window',
      tag: 'Maintenance',
      auth: 'incidents:write',
      params: { id: maintenanceId },
      body: maintenancePatch,
      responses: { 200: MaintenanceJson },
      handler: async (ctx, { params: { id }, body }) => {
        const before = await maintenances.getMaintenance(em(), ctx.state.orgId, id, clock.now());
        const m = await auditedWrite(em(), (tx) => maintenances.patchMaintenance(tx, ctx.state.orgId, id, body, clock.now()), () => entry(ctx, 'maintenance.updated', id, { fields: Object.keys(body) }));
        await changed(ctx, 'maintenance.updated', m, [...before.statusPageIds, ...m.statusPageIds]);
        return m;
      },
    }),

    // Deleting a running window ends it now: monitors report again and alerts resume.
    route({
      method: 'delete',
      path: '/orgs/:org/maintenances/:id',
      summary: 'Delete a maintenance window (a running one ends now)',
      tag: 'Maintenance',
      auth: 'incidents:write',
      params: { id: maintenanceId },
      responses: { 204: null },
      handler: async (ctx, { params: { id } }) => {
        const m = await maintenances.getMaintenance(em(), ctx.state.orgId, id, clock.now());
        await auditedWrite(em(), (tx) => maintenances.deleteMaintenance(tx, ctx.state.orgId, id), () => entry(ctx, 'maintenance.deleted', id, { title: m.title }));
        await changed(ctx, 'maintenance.deleted', m, m.statusPageIds);
      },
    }),
  ];
}
