/** /orgs/:org/maintenances: thin routes; every write is audited, re-reads the schedule and refreshes the pages. */
import Router, { type RouterContext } from '@koa/router';
import type { EntityManager } from '@mikro-orm/postgresql';
import { auditedWrite, type AuditEntry } from '../auth/audit.js';
import type { RequireOrg } from '../auth/authorize.js';
import type { OrgState } from '../auth/types.js';
import { parse } from '../http/body.js';
import { uuidParam } from '../http/params.js';
import type { Clock } from '../scheduler/clock.js';
import type { IncidentEvents } from './events.js';
import * as maintenances from './maintenances.js';
import type { MaintenanceJson } from '../../contracts/incidents.js';
import type { MaintenanceSchedule } from './schedule.js';
import { maintenanceCreate, maintenancePatch, maintenanceQuery } from './schemas.js';

type Ctx = RouterContext<OrgState>;

export interface MaintenanceRoutesDeps {
  em: () => EntityManager;
  requireOrg: RequireOrg;
  clock: Clock;
  events: IncidentEvents;
  schedule: MaintenanceSchedule;
  refresh(pageIds: string[]): Promise<void>;
}

export function maintenanceRoutes(deps: MaintenanceRoutesDeps): Router<OrgState> {
  const { em, requireOrg, clock, schedule, refresh, events } = deps;
  const router = new Router<OrgState>();
  const entry = (ctx: Ctx, action: string, target: string, details?: Record<string, unknown>): AuditEntry =>
    ({ orgId: ctx.state.orgId, principal: ctx.state.principal, action, target, ip: ctx.ip, details });
  const changed = async (ctx: Ctx, event: 'maintenance.created' | 'maintenance.updated' | 'maintenance.deleted', m: MaintenanceJson, pageIds: string[]) => {
    await schedule.reload();
    await refresh(pageIds);
    events.emit('maintenance', { orgId: ctx.state.orgId, event, maintenance: { id: m.id, title: m.title, startsAt: m.startsAt, endsAt: m.endsAt, monitorIds: m.monitorIds } });
  };

  router.get('/orgs/:org/maintenances', requireOrg('status-pages:read'), async (ctx) => {
    ctx.body = await maintenances.listMaintenances(em(), ctx.state.orgId, parse(maintenanceQuery, ctx.query), clock.now());
  });

  router.post('/orgs/:org/maintenances', requireOrg('incidents:write'), async (ctx) => {
    const body = parse(maintenanceCreate, ctx.request.body);
    const actor = { userId: ctx.state.principal.kind === 'user' ? ctx.state.principal.userId : null };
    const m = await auditedWrite(em(), (tx) => maintenances.createMaintenance(tx, ctx.state.orgId, body, actor, clock.now()), (w) =>
      entry(ctx, 'maintenance.created', w.id, { title: w.title, startsAt: w.startsAt, endsAt: w.endsAt, monitors: w.monitorIds.length }),
    );
    await changed(ctx, 'maintenance.created', m, m.statusPageIds);
    ctx.status = 201;
    ctx.body = m;
  });

  router.get('/orgs/:org/maintenances/:id', requireOrg('status-pages:read'), async (ctx) => {
    ctx.body = await maintenances.getMaintenance(em(), ctx.state.orgId, uuidParam(ctx, 'id', 'Maintenance'), clock.now());
  });

  router.patch('/orgs/:org/maintenances/:id', requireOrg('incidents:write'), async (ctx) => {
    const id = uuidParam(ctx, 'id', 'Maintenance');
    const body = parse(maintenancePatch, ctx.request.body);
    const before = await maintenances.getMaintenance(em(), ctx.state.orgId, id, clock.now());
    const m = await auditedWrite(em(), (tx) => maintenances.patchMaintenance(tx, ctx.state.orgId, id, body, clock.now()), () => entry(ctx, 'maintenance.updated', id, { fields: Object.keys(body) }));
    await changed(ctx, 'maintenance.updated', m, [...before.statusPageIds, ...m.statusPageIds]);
    ctx.body = m;
  });

  // Deleting a running window ends it now: monitors report again and alerts resume.
  router.delete('/orgs/:org/maintenances/:id', requireOrg('incidents:write'), async (ctx) => {
    const id = uuidParam(ctx, 'id', 'Maintenance');
    const m = await maintenances.getMaintenance(em(), ctx.state.orgId, id, clock.now());
    await auditedWrite(em(), (tx) => maintenances.deleteMaintenance(tx, ctx.state.orgId, id), () => entry(ctx, 'maintenance.deleted', id, { title: m.title }));
    await changed(ctx, 'maintenance.deleted', m, m.statusPageIds);
    ctx.status = 204;
  });

  return router;
}
