/** /orgs/:org/incidents: thin routes over service.ts; every write is audited, announced and refreshes the pages. */
import Router, { type RouterContext } from '@koa/router';
import type { EntityManager } from '@mikro-orm/postgresql';
import { auditedWrite, type AuditEntry } from '../auth/audit.js';
import type { RequireOrg } from '../auth/authorize.js';
import type { OrgState } from '../auth/types.js';
import { parse } from '../http/body.js';
import { uuidParam } from '../http/params.js';
import type { Clock } from '../scheduler/clock.js';
import type { IncidentEvents } from './events.js';
import { incidentCreate, incidentPatch, incidentQuery, incidentUpdate, updatePatch } from './schemas.js';
import * as incidents from './service.js';
import type { IncidentJson } from '../../contracts/incidents.js';

type Ctx = RouterContext<OrgState>;

export interface IncidentRoutesDeps {
  em: () => EntityManager;
  requireOrg: RequireOrg;
  clock: Clock;
  events: IncidentEvents;
  /** Reloads these pages into the public snapshot and pushes the change to visitors. */
  refresh(pageIds: string[]): Promise<void>;
}

const actorOf = (ctx: Ctx): incidents.Actor => ({ userId: ctx.state.principal.kind === 'user' ? ctx.state.principal.userId : null });

export function incidentRoutes(deps: IncidentRoutesDeps): Router<OrgState> {
  const { em, requireOrg, clock, events, refresh } = deps;
  const router = new Router<OrgState>();
  const now = () => new Date(clock.now());
  const entry = (ctx: Ctx, action: string, target: string, details?: Record<string, unknown>): AuditEntry =>
    ({ orgId: ctx.state.orgId, principal: ctx.state.principal, action, target, ip: ctx.ip, details });
  const announce = (ctx: Ctx, event: 'incident.created' | 'incident.updated' | 'incident.resolved' | 'incident.deleted', i: IncidentJson) =>
    events.emit('incident', { orgId: ctx.state.orgId, event, incident: incidents.incidentSummary(i) });

  router.get('/orgs/:org/incidents', requireOrg('status-pages:read'), async (ctx) => {
    ctx.body = await incidents.listIncidents(em(), ctx.state.orgId, parse(incidentQuery, ctx.query));
  });

  router.post('/orgs/:org/incidents', requireOrg('incidents:write'), async (ctx) => {
    const body = parse(incidentCreate, ctx.request.body);
    const incident = await auditedWrite(em(), (tx) => incidents.createIncident(tx, ctx.state.orgId, body, actorOf(ctx), now()), (i) =>
      entry(ctx, 'incident.created', i.id, { title: i.title, impact: i.impact, status: i.status }),
    );
    await refresh(incident.statusPageIds);
    announce(ctx, 'incident.created', incident);
    ctx.status = 201;
    ctx.body = incident;
  });

  router.get('/orgs/:org/incidents/:id', requireOrg('status-pages:read'), async (ctx) => {
    ctx.body = await incidents.getIncident(em(), ctx.state.orgId, uuidParam(ctx, 'id', 'Incident'));
  });

  router.patch('/orgs/:org/incidents/:id', requireOrg('incidents:write'), async (ctx) => {
    const id = uuidParam(ctx, 'id', 'Incident');
    const body = parse(incidentPatch, ctx.request.body);
    const before = await incidents.pagesOf(em(), id);
    const incident = await auditedWrite(em(), (tx) => incidents.patchIncident(tx, ctx.state.orgId, id, body, now()), () => entry(ctx, 'incident.updated', id, { fields: Object.keys(body) }));
    await refresh([...before, ...incident.statusPageIds]);
    announce(ctx, 'incident.updated', incident);
    ctx.body = incident;
  });

  router.delete('/orgs/:org/incidents/:id', requireOrg('incidents:write'), async (ctx) => {
    const id = uuidParam(ctx, 'id', 'Incident');
    const incident = await incidents.getIncident(em(), ctx.state.orgId, id);
    await auditedWrite(em(), (tx) => incidents.deleteIncident(tx, ctx.state.orgId, id), () => entry(ctx, 'incident.deleted', id, { title: incident.title }));
    await refresh(incident.statusPageIds);
    announce(ctx, 'incident.deleted', incident);
    ctx.status = 204;
  });

  router.post('/orgs/:org/incidents/:id/updates', requireOrg('incidents:write'), async (ctx) => {
    const id = uuidParam(ctx, 'id', 'Incident');
    const body = parse(incidentUpdate, ctx.request.body);
    const incident = await auditedWrite(em(), (tx) => incidents.postUpdate(tx, ctx.state.orgId, id, body, actorOf(ctx), now()), () => entry(ctx, 'incident.update_posted', id, { status: body.status }));
    await refresh(incident.statusPageIds);
    announce(ctx, body.status === 'resolved' ? 'incident.resolved' : 'incident.updated', incident);
    ctx.body = incident; // API.md: answers the incident (200), like the other actions on one
  });

  router.patch('/orgs/:org/incidents/:id/updates/:updateId', requireOrg('incidents:write'), async (ctx) => {
    const id = uuidParam(ctx, 'id', 'Incident');
    const updateId = uuidParam(ctx, 'updateId', 'Incident update');
    const body = parse(updatePatch, ctx.request.body);
    const incident = await auditedWrite(em(), (tx) => incidents.editUpdateMessage(tx, ctx.state.orgId, id, updateId, body.message, now()), () => entry(ctx, 'incident.update_edited', id, { updateId }));
    await refresh(incident.statusPageIds);
    announce(ctx, 'incident.updated', incident);
    ctx.body = incident;
  });

  return router;
}
