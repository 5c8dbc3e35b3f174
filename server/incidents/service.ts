/** Incidents, their update timeline and affected components; every query filters by org. */
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { iso, row, rows, run, textArray } from '../db/sql.js';
import { AppError, notFound } from '../errors.js';
import type { IncidentEvent } from '../../contracts/events.js';
import type { ComponentStatus, Impact, IncidentStatus } from '../../contracts/vocab.js';
import type { ComponentStatusInput, IncidentCreate, IncidentPatch, IncidentUpdate } from './schemas.js';
import type { IncidentJson, IncidentUpdateJson } from '../../contracts/incidents.js';

interface Row {
  id: string;
  title: string;
  impact: Impact;
  status: IncidentStatus;
  auto_created: boolean;
  monitor_id: string | null;
  started_at: Date;
  resolved_at: Date | null;
  created_at: Date;
  updated_at: Date;
  page_ids: string[];
  components: Array<{ componentId: string; status: ComponentStatus }>;
  updates: IncidentUpdateJson[];
}

const SELECT = `
  SELECT i.id, i.title, i.impact, i.status, i.auto_created, i.monitor_id, i.started_at, i.resolved_at, i.created_at, i.updated_at,
    coalesce((SELECT json_agg(ip.page_id ORDER BY ip.page_id) FROM incident_pages ip WHERE ip.incident_id = i.id), '[]') AS page_ids,
    coalesce((SELECT json_agg(json_build_object('componentId', ic.component_id, 'status', ic.status) ORDER BY ic.component_id)
              FROM incident_components ic WHERE ic.incident_id = i.id), '[]') AS components,
    coalesce((SELECT json_agg(json_build_object('id', u.id, 'status', u.status, 'message', u.message, 'at', u.at, 'createdBy', u.created_by) ORDER BY u.at DESC, u.id)
              FROM incident_updates u WHERE u.incident_id = i.id), '[]') AS updates
  FROM incidents i`;

const toJson = (r: Row): IncidentJson => ({
  id: r.id,
  title: r.title,
  impact: r.impact,
  status: r.status,
  autoCreated: r.auto_created,
  monitorId: r.monitor_id,
  startedAt: iso(r.started_at)!,
  resolvedAt: iso(r.resolved_at),
  createdAt: iso(r.created_at)!,
  updatedAt: iso(r.updated_at)!,
  statusPageIds: r.page_ids,
  components: r.components,
  updates: r.updates.map((u) => ({ ...u, at: iso(u.at)! })),
});

/** The short form dashboards get live. */
export const incidentSummary = (i: IncidentJson): IncidentEvent => ({ id: i.id, title: i.title, status: i.status, impact: i.impact, updatedAt: i.updatedAt });

export async function getIncident(em: EntityManager, orgId: string, id: string): Promise<IncidentJson> {
  const r = await row<Row>(em, `${SELECT} WHERE i.org_id = ? AND i.id = ?`, [orgId, id]);
  if (!r) throw notFound('Incident');
  return toJson(r);
}

export async function listIncidents(em: EntityManager, orgId: string, q: { status: 'open' | 'resolved' | 'all'; limit: number }): Promise<IncidentJson[]> {
  const filter = q.status === 'open' ? " AND i.status <> 'resolved'" : q.status === 'resolved' ? " AND i.status = 'resolved'" : '';
  return (await rows<Row>(em, `${SELECT} WHERE i.org_id = ?${filter} ORDER BY i.started_at DESC, i.id LIMIT ?`, [orgId, q.limit])).map(toJson);
}

/** Pages an incident shows on (to refresh them after a change). */
export async function pagesOf(em: EntityManager, incidentId: string): Promise<string[]> {
  return (await rows<{ page_id: string }>(em, 'SELECT page_id FROM incident_pages WHERE incident_id = ?', [incidentId])).map((r) => r.page_id);
}

const invalid = (details: Array<{ path: string; code: string; message: string }>) => new AppError(400, 'VALIDATION_FAILED', 'The request is not valid', details);

/**
 * Checks that pages and components are this org's; answers the pages to link: those named plus
 * those of the components.
 */
export async function checkTargets(em: EntityManager, orgId: string, pageIds: readonly string[], components: readonly { componentId: string }[], componentsPath = 'components'): Promise<string[]> {
  const pages = pageIds.length
    ? new Set((await rows<{ id: string }>(em, 'SELECT id FROM status_pages WHERE org_id = ? AND id = ANY(?::uuid[])', [orgId, textArray([...pageIds])])).map((r) => r.id))
    : new Set<string>();
  const comps = components.length
    ? new Map(
        (await rows<{ id: string; page_id: string }>(
          em,
          'SELECT c.id, c.page_id FROM status_components c JOIN status_pages p ON p.id = c.page_id WHERE p.org_id = ? AND c.id = ANY(?::uuid[])',
          [orgId, textArray(components.map((c) => c.componentId))],
        )).map((r) => [r.id, r.page_id]),
      )
    : new Map<string, string>();
  const details = [
    ...pageIds.flatMap((id, i) => (pages.has(id) ? [] : [{ path: `statusPageIds.${i}`, code: 'UNKNOWN_STATUS_PAGE', message: 'No such status page in this organization' }])),
    ...components.flatMap((c, i) => (comps.has(c.componentId) ? [] : [{ path: `${componentsPath}.${i}.componentId`, code: 'UNKNOWN_COMPONENT', message: 'No such component in this organization' }])),
  ];
  if (details.length) throw invalid(details);
  return [...new Set([...pageIds, ...comps.values()])];
}

export interface Actor {
  /** The user acting; null for API keys and automatic changes. */
  userId: string | null;
}

export async function createIncident(
  em: EntityManager,
  orgId: string,
  input: IncidentCreate,
  actor: Actor,
  at: Date,
  auto?: { monitorId: string },
): Promise<IncidentJson> {
  const pageIds = await checkTargets(em, orgId, input.statusPageIds, input.components);
  const id = randomUUID();
  return em.transactional(async (tx) => {
    await run(
      tx,
      `INSERT INTO incidents (id, org_id, title, impact, status, auto_created, monitor_id, started_at, resolved_at, created_by, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [id, orgId, input.title, input.impact, input.status, !!auto, auto?.monitorId ?? null, input.startedAt ? new Date(input.startedAt) : at, input.status === 'resolved' ? at : null, actor.userId, at],
    );
    await linkPages(tx, id, pageIds);
    await setComponents(tx, id, input.components, true);
    await run(tx, 'INSERT INTO incident_updates (id, incident_id, status, message, at, created_by) VALUES (?, ?, ?, ?, ?, ?)', [randomUUID(), id, input.status, input.message, at, actor.userId]);
    return getIncident(tx, orgId, id);
  });
}

/** Adds to the timeline; the incident takes the update's status. Resolving sets components back to operational unless told otherwise. */
export async function postUpdate(em: EntityManager, orgId: string, id: string, input: IncidentUpdate, actor: Actor, at: Date): Promise<IncidentJson> {
  const pageIds = input.components ? await checkTargets(em, orgId, [], input.components) : [];
  return em.transactional(async (tx) => {
    const current = await row<{ id: string }>(tx, 'SELECT id FROM incidents WHERE org_id = ? AND id = ? FOR UPDATE', [orgId, id]);
    if (!current) throw notFound('Incident');
    await run(tx, 'INSERT INTO incident_updates (id, incident_id, status, message, at, created_by) VALUES (?, ?, ?, ?, ?, ?)', [randomUUID(), id, input.status, input.message, at, actor.userId]);
    await run(
      tx,
      `UPDATE incidents SET status = ?, updated_at = ?,
         resolved_at = CASE WHEN ? = 'resolved' THEN coalesce(resolved_at, ?) ELSE NULL END
       WHERE id = ?`,
      [input.status, at, input.status, at, id],
    );
    if (input.components) {
      await linkPages(tx, id, pageIds);
      await setComponents(tx, id, input.components, false);
    } else if (input.status === 'resolved') {
      await run(tx, "UPDATE incident_components SET status = 'operational' WHERE incident_id = ?", [id]);
    }
    return getIncident(tx, orgId, id);
  });
}

export async function patchIncident(em: EntityManager, orgId: string, id: string, patch: IncidentPatch, at: Date): Promise<IncidentJson> {
  const pageIds = patch.statusPageIds || patch.components ? await checkTargets(em, orgId, patch.statusPageIds ?? [], patch.components ?? []) : [];
  return em.transactional(async (tx) => {
    const changed = await run(
      tx,
      'UPDATE incidents SET title = coalesce(?, title), impact = coalesce(?, impact), updated_at = ? WHERE org_id = ? AND id = ?',
      [patch.title ?? null, patch.impact ?? null, at, orgId, id],
    );
    if (!changed) throw notFound('Incident');
    if (patch.statusPageIds) await run(tx, 'DELETE FROM incident_pages WHERE incident_id = ?', [id]);
    if (patch.statusPageIds || patch.components) await linkPages(tx, id, pageIds);
    if (patch.components) await setComponents(tx, id, patch.components, true);
    return getIncident(tx, orgId, id);
  });
}

export async function editUpdateMessage(em: EntityManager, orgId: string, id: string, updateId: string, message: string, at: Date): Promise<IncidentJson> {
  const changed = await run(
    em,
    'UPDATE incident_updates u SET message = ? FROM incidents i WHERE u.id = ? AND u.incident_id = i.id AND i.id = ? AND i.org_id = ?',
    [message, updateId, id, orgId],
  );
  if (!changed) throw notFound('Incident update');
  await run(em, 'UPDATE incidents SET updated_at = ? WHERE id = ?', [at, id]);
  return getIncident(em, orgId, id);
}

export async function deleteIncident(em: EntityManager, orgId: string, id: string): Promise<void> {
  if (!(await run(em, 'DELETE FROM incidents WHERE org_id = ? AND id = ?', [orgId, id]))) throw notFound('Incident');
}

async function linkPages(tx: EntityManager, incidentId: string, pageIds: readonly string[]): Promise<void> {
  if (!pageIds.length) return;
  await run(tx, 'INSERT INTO incident_pages (incident_id, page_id) SELECT ?, unnest(?::uuid[]) ON CONFLICT DO NOTHING', [incidentId, textArray([...pageIds])]);
}

async function setComponents(tx: EntityManager, incidentId: string, list: readonly ComponentStatusInput[], replace: boolean): Promise<void> {
  if (replace) await run(tx, 'DELETE FROM incident_components WHERE incident_id = ?', [incidentId]);
  for (const c of list) {
    await run(
      tx,
      'INSERT INTO incident_components (incident_id, component_id, status) VALUES (?, ?, ?) ON CONFLICT (incident_id, component_id) DO UPDATE SET status = excluded.status',
      [incidentId, c.componentId, c.status],
    );
  }
}
