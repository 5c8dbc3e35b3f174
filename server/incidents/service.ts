/** Incidents, their update timeline and affected components; every query filters by org. */
import { randomUUID } from 'node:crypto';
import { LockMode, type EntityManager } from '@mikro-orm/postgresql';
import { AppError, notFound } from '../errors.js';
import type { IncidentEvent } from '../../contracts/events.js';
import { ComponentOf, Incident, IncidentComponent, IncidentPage, IncidentUpdate, PageOf, type IncidentRow } from './entities.js';
import type { ComponentStatusInput, IncidentCreate, IncidentPatch, IncidentUpdate as IncidentUpdateInput } from '../../contracts/incidents-requests.js';
import type { IncidentJson } from '../../contracts/incidents.js';

/** Reads that answer JSON go around the identity map: a row changed by a native update is read as it is now. */
const fresh = { disableIdentityMap: true } as const;

/** The incidents with their pages, components (both by id) and updates (newest first), in the order given. */
async function toJson(em: EntityManager, list: IncidentRow[]): Promise<IncidentJson[]> {
  if (!list.length) return [];
  const incident = { $in: list.map((i) => i.id) };
  const pages = byIncident(await em.find(IncidentPage, { incident }, { ...fresh, orderBy: { page: 'asc' } }));
  const components = byIncident(await em.find(IncidentComponent, { incident }, { ...fresh, orderBy: { component: 'asc' } }));
  const updates = byIncident(await em.find(IncidentUpdate, { incident }, { ...fresh, orderBy: { at: 'desc', id: 'asc' } }));
  return list.map((i) => ({
    id: i.id,
    title: i.title,
    impact: i.impact,
    status: i.status,
    autoCreated: i.autoCreated,
    monitorId: i.monitor?.id ?? null,
    startedAt: i.startedAt.toISOString(),
    resolvedAt: i.resolvedAt?.toISOString() ?? null,
    createdAt: i.createdAt.toISOString(),
    updatedAt: i.updatedAt.toISOString(),
    statusPageIds: (pages.get(i.id) ?? []).map((p) => p.page.id),
    components: (components.get(i.id) ?? []).map((c) => ({ componentId: c.component.id, status: c.status })),
    updates: (updates.get(i.id) ?? []).map((u) => ({ id: u.id, status: u.status, message: u.message, at: u.at.toISOString(), createdBy: u.createdBy?.id ?? null })),
  }));
}

/** Rows of an incident's table grouped by incident id, each group in the rows' order. */
function byIncident<T extends { incident: { id: string } }>(list: T[]): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const r of list) {
    const group = map.get(r.incident.id);
    if (group) group.push(r);
    else map.set(r.incident.id, [r]);
  }
  return map;
}

/** The short form dashboards get live. */
export const incidentSummary = (i: IncidentJson): IncidentEvent => ({ id: i.id, title: i.title, status: i.status, impact: i.impact, updatedAt: i.updatedAt });

export async function getIncident(em: EntityManager, orgId: string, id: string): Promise<IncidentJson> {
  const i = await em.findOne(Incident, { org: orgId, id }, fresh);
  if (!i) throw notFound('Incident');
  return (await toJson(em, [i]))[0]!;
}

export async function listIncidents(em: EntityManager, orgId: string, q: { status: 'open' | 'resolved' | 'all'; limit: number }): Promise<IncidentJson[]> {
  const status = q.status === 'open' ? { status: { $ne: 'resolved' as const } } : q.status === 'resolved' ? { status: 'resolved' as const } : {};
  const list = await em.find(Incident, { org: orgId, ...status }, { ...fresh, orderBy: { startedAt: 'desc', id: 'asc' }, limit: q.limit });
  return toJson(em, list);
}

/** Pages an incident shows on (to refresh them after a change). */
export async function pagesOf(em: EntityManager, incidentId: string): Promise<string[]> {
  return (await em.find(IncidentPage, { incident: incidentId }, fresh)).map((p) => p.page.id);
}

const invalid = (details: Array<{ path: string; code: string; message: string }>) => new AppError(400, 'VALIDATION_FAILED', 'The request is not valid', details);

/**
 * Checks that pages and components are this org's; answers the pages to link: those named plus
 * those of the components.
 */
export async function checkTargets(em: EntityManager, orgId: string, pageIds: readonly string[], components: readonly { componentId: string }[], componentsPath = 'components'): Promise<string[]> {
  const pages = pageIds.length
    ? new Set((await em.find(PageOf, { org: orgId, id: { $in: [...pageIds] } }, fresh)).map((p) => p.id))
    : new Set<string>();
  const comps = components.length
    ? new Map((await em.find(ComponentOf, { id: { $in: components.map((c) => c.componentId) }, page: { org: orgId } }, fresh)).map((c) => [c.id, c.page.id]))
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
    await tx.insert(Incident, {
      id,
      org: orgId,
      title: input.title,
      impact: input.impact,
      status: input.status,
      autoCreated: !!auto,
      monitor: auto?.monitorId ?? null,
      startedAt: input.startedAt ? new Date(input.startedAt) : at,
      resolvedAt: input.status === 'resolved' ? at : null,
      createdBy: actor.userId,
      updatedAt: at,
    });
    await linkPages(tx, id, pageIds);
    await setComponents(tx, id, input.components, true);
    await tx.insert(IncidentUpdate, { id: randomUUID(), incident: id, status: input.status, message: input.message, at, createdBy: actor.userId });
    return getIncident(tx, orgId, id);
  });
}

/** Adds to the timeline; the incident takes the update's status. Resolving sets components back to operational unless told otherwise. */
export async function postUpdate(em: EntityManager, orgId: string, id: string, input: IncidentUpdateInput, actor: Actor, at: Date): Promise<IncidentJson> {
  const pageIds = input.components ? await checkTargets(em, orgId, [], input.components) : [];
  return em.transactional(async (tx) => {
    const current = await tx.findOne(Incident, { org: orgId, id }, { ...fresh, lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!current) throw notFound('Incident');
    await tx.insert(IncidentUpdate, { id: randomUUID(), incident: id, status: input.status, message: input.message, at, createdBy: actor.userId });
    // The row is locked: its resolution time is read and written in one go.
    await tx.nativeUpdate(Incident, { id }, { status: input.status, updatedAt: at, resolvedAt: input.status === 'resolved' ? (current.resolvedAt ?? at) : null });
    if (input.components) {
      await linkPages(tx, id, pageIds);
      await setComponents(tx, id, input.components, false);
    } else if (input.status === 'resolved') {
      await tx.nativeUpdate(IncidentComponent, { incident: id }, { status: 'operational' });
    }
    return getIncident(tx, orgId, id);
  });
}

export async function patchIncident(em: EntityManager, orgId: string, id: string, patch: IncidentPatch, at: Date): Promise<IncidentJson> {
  const pageIds = patch.statusPageIds || patch.components ? await checkTargets(em, orgId, patch.statusPageIds ?? [], patch.components ?? []) : [];
  return em.transactional(async (tx) => {
    const changed = await tx.nativeUpdate(
      Incident,
      { org: orgId, id },
      { updatedAt: at, ...(patch.title !== undefined && { title: patch.title }), ...(patch.impact !== undefined && { impact: patch.impact }) },
    );
    if (!changed) throw notFound('Incident');
    if (patch.statusPageIds) await tx.nativeDelete(IncidentPage, { incident: id });
    if (patch.statusPageIds || patch.components) await linkPages(tx, id, pageIds);
    if (patch.components) await setComponents(tx, id, patch.components, true);
    return getIncident(tx, orgId, id);
  });
}

export async function editUpdateMessage(em: EntityManager, orgId: string, id: string, updateId: string, message: string, at: Date): Promise<IncidentJson> {
  const changed = await em.nativeUpdate(IncidentUpdate, { id: updateId, incident: { id, org: orgId } }, { message });
  if (!changed) throw notFound('Incident update');
  await em.nativeUpdate(Incident, { id }, { updatedAt: at });
  return getIncident(em, orgId, id);
}

export async function deleteIncident(em: EntityManager, orgId: string, id: string): Promise<void> {
  if (!(await em.nativeDelete(Incident, { org: orgId, id }))) throw notFound('Incident');
}

async function linkPages(tx: EntityManager, incidentId: string, pageIds: readonly string[]): Promise<void> {
  if (!pageIds.length) return;
  await tx.createQueryBuilder(IncidentPage).insert(pageIds.map((page) => ({ incident: incidentId, page }))).onConflict().ignore().execute();
}

async function setComponents(tx: EntityManager, incidentId: string, list: readonly ComponentStatusInput[], replace: boolean): Promise<void> {
  if (replace) await tx.nativeDelete(IncidentComponent, { incident: incidentId });
  // One statement each: a component named twice takes its last status.
  for (const c of list) {
    await tx
      .createQueryBuilder(IncidentComponent)
      .insert({ incident: incidentId, component: c.componentId, status: c.status })
      .onConflict(['incident', 'component'])
      .merge(['status'])
      .execute();
  }
}
