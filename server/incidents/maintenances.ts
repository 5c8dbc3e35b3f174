/** Scheduled maintenance windows as the admin API reads and writes them; every query filters by org. */
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { iso, row, rows, run, textArray } from '../db/sql.js';
import { AppError, notFound } from '../errors.js';
import { checkMonitors } from '../monitors/references.js';
import { MAINTENANCE_MAX_MS, type MaintenanceCreate, type MaintenancePatch } from './schemas.js';
import { checkTargets, type Actor } from './service.js';
import type { MaintenanceJson, MaintenanceState } from '../../contracts/incidents.js';

interface Row {
  id: string;
  title: string;
  description: string;
  starts_at: Date;
  ends_at: Date;
  created_at: Date;
  updated_at: Date;
  monitor_ids: string[];
  component_ids: string[];
  page_ids: string[];
}

const SELECT = `
  SELECT m.id, m.title, m.description, m.starts_at, m.ends_at, m.created_at, m.updated_at,
    coalesce((SELECT json_agg(x.monitor_id ORDER BY x.monitor_id) FROM maintenance_monitors x WHERE x.maintenance_id = m.id), '[]') AS monitor_ids,
    coalesce((SELECT json_agg(x.component_id ORDER BY x.component_id) FROM maintenance_components x WHERE x.maintenance_id = m.id), '[]') AS component_ids,
    coalesce((SELECT json_agg(x.page_id ORDER BY x.page_id) FROM maintenance_pages x WHERE x.maintenance_id = m.id), '[]') AS page_ids
  FROM maintenances m`;

export function stateAt(startsAt: number, endsAt: number, now: number): MaintenanceState {
  return now < startsAt ? 'scheduled' : now < endsAt ? 'in_progress' : 'completed';
}

const toJson = (r: Row, now: number): MaintenanceJson => ({
  id: r.id,
  title: r.title,
  description: r.description,
  startsAt: iso(r.starts_at)!,
  endsAt: iso(r.ends_at)!,
  state: stateAt(new Date(r.starts_at).getTime(), new Date(r.ends_at).getTime(), now),
  monitorIds: r.monitor_ids,
  componentIds: r.component_ids,
  statusPageIds: r.page_ids,
  createdAt: iso(r.created_at)!,
  updatedAt: iso(r.updated_at)!,
});

export async function getMaintenance(em: EntityManager, orgId: string, id: string, now: number): Promise<MaintenanceJson> {
  const r = await row<Row>(em, `${SELECT} WHERE m.org_id = ? AND m.id = ?`, [orgId, id]);
  if (!r) throw notFound('Maintenance');
  return toJson(r, now);
}

export async function listMaintenances(
  em: EntityManager,
  orgId: string,
  q: { state: MaintenanceState | 'upcoming' | 'all'; limit: number },
  now: number,
): Promise<MaintenanceJson[]> {
  const at = new Date(now);
  const [filter, params, order]: [string, unknown[], string] =
    q.state === 'scheduled' ? [' AND m.starts_at > ?', [at], 'm.starts_at'] :
    q.state === 'in_progress' ? [' AND m.starts_at <= ? AND m.ends_at > ?', [at, at], 'm.starts_at'] :
    q.state === 'upcoming' ? [' AND m.ends_at > ?', [at], 'm.starts_at'] :
    q.state === 'completed' ? [' AND m.ends_at <= ?', [at], 'm.starts_at DESC'] :
    ['', [], 'm.starts_at DESC'];
  const list = await rows<Row>(em, `${SELECT} WHERE m.org_id = ?${filter} ORDER BY ${order}, m.id LIMIT ?`, [orgId, ...params, q.limit]);
  return list.map((r) => toJson(r, now));
}

const invalid = (path: string, code: string, message: string) => new AppError(400, 'VALIDATION_FAILED', 'The request is not valid', [{ path, code, message }]);

async function checkRefs(em: EntityManager, orgId: string, v: { monitorIds?: string[]; componentIds?: string[]; statusPageIds?: string[] }): Promise<string[]> {
  if (v.monitorIds) await checkMonitors(em, orgId, v.monitorIds.map((id, i) => ({ path: `monitorIds.${i}`, id })));
  return checkTargets(em, orgId, v.statusPageIds ?? [], (v.componentIds ?? []).map((componentId) => ({ componentId })), 'componentIds');
}

export async function createMaintenance(em: EntityManager, orgId: string, input: MaintenanceCreate, actor: Actor, now: number): Promise<MaintenanceJson> {
  if (Date.parse(input.endsAt) <= now) throw invalid('endsAt', 'ENDS_IN_PAST', 'The window must end in the future');
  const pageIds = await checkRefs(em, orgId, input);
  const id = randomUUID();
  await em.transactional(async (tx) => {
    await run(
      tx,
      'INSERT INTO maintenances (id, org_id, title, description, starts_at, ends_at, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [id, orgId, input.title, input.description, new Date(input.startsAt), new Date(input.endsAt), actor.userId, new Date(now), new Date(now)],
    );
    await link(tx, id, input.monitorIds, input.componentIds, pageIds);
  });
  return getMaintenance(em, orgId, id, now);
}

export async function patchMaintenance(em: EntityManager, orgId: string, id: string, patch: MaintenancePatch, now: number): Promise<MaintenanceJson> {
  const current = await getMaintenance(em, orgId, id, now);
  const startsAt = Date.parse(patch.startsAt ?? current.startsAt);
  const endsAt = Date.parse(patch.endsAt ?? current.endsAt);
  if (endsAt <= startsAt) throw invalid('endsAt', 'ENDS_BEFORE_START', 'Must be after startsAt');
  if (endsAt - startsAt > MAINTENANCE_MAX_MS) throw invalid('endsAt', 'WINDOW_TOO_LONG', 'A window lasts at most 31 days');
  const touchesLinks = patch.monitorIds || patch.componentIds || patch.statusPageIds;
  const pageIds = touchesLinks
    ? await checkRefs(em, orgId, {
        monitorIds: patch.monitorIds,
        componentIds: patch.componentIds ?? current.componentIds,
        statusPageIds: patch.statusPageIds ?? current.statusPageIds,
      })
    : [];
  await em.transactional(async (tx) => {
    await run(
      tx,
      'UPDATE maintenances SET title = coalesce(?, title), description = coalesce(?, description), starts_at = ?, ends_at = ?, updated_at = ? WHERE org_id = ? AND id = ?',
      [patch.title ?? null, patch.description ?? null, new Date(startsAt), new Date(endsAt), new Date(now), orgId, id],
    );
    if (touchesLinks) {
      await run(tx, 'DELETE FROM maintenance_monitors WHERE maintenance_id = ?', [id]);
      await run(tx, 'DELETE FROM maintenance_components WHERE maintenance_id = ?', [id]);
      await run(tx, 'DELETE FROM maintenance_pages WHERE maintenance_id = ?', [id]);
      await link(tx, id, patch.monitorIds ?? current.monitorIds, patch.componentIds ?? current.componentIds, pageIds);
    }
  });
  return getMaintenance(em, orgId, id, now);
}

export async function deleteMaintenance(em: EntityManager, orgId: string, id: string): Promise<void> {
  if (!(await run(em, 'DELETE FROM maintenances WHERE org_id = ? AND id = ?', [orgId, id]))) throw notFound('Maintenance');
}

async function link(tx: EntityManager, id: string, monitorIds: string[], componentIds: string[], pageIds: string[]): Promise<void> {
  if (monitorIds.length) await run(tx, 'INSERT INTO maintenance_monitors (maintenance_id, monitor_id) SELECT ?, unnest(?::uuid[]) ON CONFLICT DO NOTHING', [id, textArray(monitorIds)]);
  if (componentIds.length) await run(tx, 'INSERT INTO maintenance_components (maintenance_id, component_id) SELECT ?, unnest(?::uuid[]) ON CONFLICT DO NOTHING', [id, textArray(componentIds)]);
  if (pageIds.length) await run(tx, 'INSERT INTO maintenance_pages (maintenance_id, page_id) SELECT ?, unnest(?::uuid[]) ON CONFLICT DO NOTHING', [id, textArray(pageIds)]);
}
