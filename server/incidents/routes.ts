/** /orgs/:org/incidents: thin routes over service.ts; every write is audited, announced and refreshes the pages. */
import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { auditedWrite, type AuditEntry } from '../auth/audit.js';
import type { OrgState } from '../auth/types.js';
import { defineRoute, uuid, type Route, type RouteContext } from '../http/routes.js';
import type { Clock } from '../scheduler/clock.js';
import type { IncidentEvents } from './events.js';
import { incidentCreate, incidentPatch, incidentQuery, incidentUpdate, updatePatch } from '../../contracts/incidents-requests.js';
import * as incidents from './service.js';
import { IncidentJson } from '../../contracts/incidents.js';

type Ctx = RouteContext<OrgState>;
const route = defineRoute<OrgState>();

export interface IncidentRoutesDeps {
  em: () => EntityManager;
  clock: Clock;
  events: IncidentEvents;
  /** Reloads these pages into the public snapshot and pushes the change to visitors. */
  refresh(pageIds: string[]): Promise<void>;
}

const actorOf = (ctx: Ctx): incidents.Actor => ({ userId: ctx.state.principal.kind === 'user' ? ctx.state.principal.userId : null });
const incidentId = uuid('Incident');

export function incidentRoutes(deps: IncidentRoutesDeps): Route[] {
  const { em, clock, events, refresh } = deps;
  const now = () => new Date(clock.now());
  const entry = (ctx: Ctx, action: string, target: string, details?: Record<string, unknown>): AuditEntry =>
    ({ orgId: ctx.state.orgId, principal: ctx.state.principal, action, target, ip: ctx.ip, details });
  const announce = (ctx: Ctx, event: 'incident.created' | 'incident.updated' | 'incident.resolved' | 'incident.deleted', i: IncidentJson) =>
    events.emit('incident', { orgId: ctx.state.orgId, event, incident: incidents.incidentSummary(i) });

  return [
    route({
      method: 'get',
      path: '/orgs/:org/incidents',
      summary: 'Incidents, newest first',
      tag: 'Incidents',
      auth: 'status-pages:read',
      query: incidentQuery,
      responses: { 200: z.array(IncidentJson) },
      handler: (ctx, { query }) => incidents.listIncidents(em(), ctx.state.orgId, query),
    }),

    route({
      method: 'post',
      path: '/orgs/:org/incidents',
      summary: 'Open an incident',
      tag: 'Incidents',
      auth: 'incidents:write',
      body: incidentCreate,
      responses: { 201: IncidentJson },
      handler: async (ctx, { body }) => {
        const incident = await auditedWrite(em(), (tx) => incidents.createIncident(tx, ctx.state.orgId, body, actorOf(ctx), now()), (i) =>
          entry(ctx, 'incident.created', i.id, { title: i.title, impact: i.impact, status: i.status }),
        );
        await refresh(incident.statusPageIds);
        announce(ctx, 'incident.created', incident);
        return incident;
      },
    }),

    route({
      method: 'get',
      path: '/orgs/:org/incidents/:id',
      summary: 'An incident with its updates',
      tag: 'Incidents',
      auth: 'status-pages:read',
      params: { id: incidentId },
      responses: { 200: IncidentJson },
      handler: (ctx, { params }) => incidents.getIncident(em(), ctx.state.orgId, params.id),
    }),

    route({
      method: 'patch',
      path: '/orgs/:org/incidents/:id',
      summary: 'Change an incident',
      tag: 'Incidents',
      auth: 'incidents:write',
      params: { id: incidentId },
      body: incidentPatch,
      responses: { 200: IncidentJson },
      handler: async (ctx, { params: { id }, body }) => {
        const before = await incidents.pagesOf(em(), id);
        const incident = await auditedWrite(em(), (tx) => incidents.patchIncident(tx, ctx.state.orgId, id, body, now()), () => entry(ctx, 'incident.updated', id, { fields: Object.keys(body) }));
        await refresh([...before, ...incident.statusPageIds]);
        announce(ctx, 'incident.updated', incident);
        return incident;
      },
    }),

    route({
      method: 'delete',
      path: '/orgs/:org/incidents/:id',
      summary: 'Delete an incident',
      tag: 'Incidents',
      auth: 'incidents:write',
      params: { id: incidentId },
      responses: { 204: null },
      handler: async (ctx, { params: { id } }) => {
        const incident = await incidents.getIncident(em(), ctx.state.orgId, id);
        await auditedWrite(em(), (tx) => incidents.deleteIncident(tx, ctx.state.orgId, id), () => entry(ctx, 'incident.deleted', id, { title: incident.title }));
        await refresh(incident.statusPageIds);
        announce(ctx, 'incident.deleted', incident);
      },
    }),

    // API.md: answers the incident (200), like the other actions on one.
    route({
      method: 'post',
      path: '/orgs/:org/incidents/:id/updates',
      summary: 'Post an update (status, message, component statuses)',
      tag: 'Incidents',
      auth: 'incidents:write',
      params: { id: incidentId },
      body: incidentUpdate,
      responses: { 200: IncidentJson },
      handler: async (ctx, { params: { id }, body }) => {
        const incident = await auditedWrite(em(), (tx) => incidents.postUpdate(tx, ctx.state.orgId, id, body, actorOf(ctx), now()), () => entry(ctx, 'incident.update_posted', id, { status: body.status }));
        await refresh(incident.statusPageIds);
        announce(ctx, body.status === 'resolved' ? 'incident.resolved' : 'incident.updated', incident);
        return incident;
      },
    }),

    route({
      method: 'patch',
      path: '/orgs/:org/incidents/:id/updates/:updateId',
      summary: "Correct an update's message",
      tag: 'Incidents',
      auth: 'incidents:write',
      params: { id: incidentId, updateId: uuid('Incident update') },
      body: updatePatch,
      responses: { 200: IncidentJson },
      handler: async (ctx, { params: { id, updateId }, body }) => {
        const incident = await auditedWrite(em(), (tx) => incidents.editUpdateMessage(tx, ctx.state.orgId, id, updateId, body.message, now()), () => entry(ctx, 'incident.update_edited', id, { updateId }));
        await refresh(incident.statusPageIds);
        announce(ctx, 'incident.updated', incident);
        return incident;
      },
    }),
  ];
}
