/** Scheduled maintenance windows as the admin API reads and writes them; every query filters by org. */
import { randomUUID } from 'node:crypto';
import type { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import { AppError, notFound } from '../errors.js';
import { checkMonitors } from '../monitors/references.js';
import { Maintenance, MaintenanceComponent, MaintenanceMonitor, MaintenancePage, type MaintenanceRow } from './entities.js';
import { MAINTENANCE_MAX_MS, type MaintenanceCreate, type MaintenancePatch } from '../../contracts/incidents-requests.js';
import { checkTargets, type Actor } from './service.js';
import type { MaintenanceJson, MaintenanceState } from '../../contracts/incidents.js';

/** Reads that answer JSON go around the identity map: a row changed by a native update is read as it is now. */
const fresh = { disableIdentityMap: true } as const;

export function stateAt(startsAt: number, endsAt: number, now: number): MaintenanceState {
  return now < startsAt ? 'scheduled' : now < endsAt ? 'in_progress' : 'completed';
}

/** The windows with the ids of their monitors, components and pages (each sorted), in the order given. */
async function toJson(em: EntityManager, list: MaintenanceRow[], now: number): Promise<MaintenanceJson[]> {
  if (!list.length) return [];
  const maintenance = { $in: list.map((m) => m.id) };
  const monitors = byWindow(await em.find(MaintenanceMonitor, { maintenance }, { ...fresh, orderBy: { monitor: 'asc' } }), (x) => x.monitor.id);
  const components = byWindow(await em.find(MaintenanceComponent, { maintenance }, { ...fresh, orderBy: { component: 'asc' } }), (x) => x.component.id);
  const pages = byWindow(await em.find(MaintenancePage, { maintenance }, { ...fresh, orderBy: { page: 'asc' } }), (x) => x.page.id);
  return list.map((m) => ({
    id: m.id,
    title: m.title,
    description: m.description,
    startsAt: m.startsAt.toISOString(),
    endsAt: m.endsAt.toISOString(),
    state: stateAt(m.startsAt.getTime(), m.endsAt.getTime(), now),
    monitorIds: monitors.get(m.id) ?? [],
    componentIds: components.get(m.id) ?? [],
    statusPageIds: pages.get(m.id) ?? [],
    createdAt: m.createdAt.toISOString(),
    updatedAt: m.updatedAt.toISOString(),
  }));
}

/** The ids a window links to, per window id, in the rows' order. */
function byWindow<T extends { maintenance: { id: string } }>(list: T[], idOf: (row: T) => string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const r of list) {
    const ids = map.get(r.maintenance.id);
    if (ids) ids.push(idOf(r));
    else map.set(r.maintenance.id, [idOf(r)]);
  }
  return map;
}

export async function getMaintenance(em: EntityManager, orgId: string, id: string, now: number): Promise<MaintenanceJson> {
  const m = await em.findOne(Maintenance, { org: orgId, id }, fresh);
  if (!m) throw notFound('Maintenance');
  return (await toJson(em, [m], now))[0]!;
}

export async function listMaintenances(
  em: EntityManager,
  orgId: string,
  q: { state: MaintenanceState | 'upcoming' | 'all'; limit: number },
  now: number,
): Promise<MaintenanceJson[]> {
  const at = new Date(now);
  const [filter, order]: [FilterQuery<MaintenanceRow>, 'asc' | 'desc'] =
    q.state === 'scheduled' ? [{ startsAt: { $gt: at } }, 'asc'] :
    q.state === 'in_progress' ? [{ startsAt: { $lte: at }, endsAt: { $gt: at } }, 'asc'] :
    q.state === 'upcoming' ? [{ endsAt: { $gt: at } }, 'asc'] :
    q.state === 'completed' ? [{ endsAt: { $lte: at } }, 'desc'] :
    [{}, 'desc'];
  const list = await em.find(Maintenance, { $and: [{ org: orgId }, filter] }, { ...fresh, orderBy: { startsAt: order, id: 'asc' }, limit: q.limit });
  return toJson(em, list, now);
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
    await tx.insert(Maintenance, {
      id,
      org: orgId,
      title: input.title,
      description: input.description,
      startsAt: new Date(input.startsAt),
      endsAt: new Date(input.endsAt),
      createdBy: actor.userId,
      createdAt: new Date(now),
      updatedAt: new Date(now),
    });
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
    await tx.nativeUpdate(
      Maintenance,
      { org: orgId, id },
      {
        ...(patch.title !== undefined && { title: patch.title }),
        ...(patch.description !== undefined && { description: patch.description }),
        startsAt: new Date(startsAt),
        endsAt: new Date(endsAt),
        updatedAt: new Date(now),
      },
    );
    if (touchesLinks) {
      await tx.nativeDelete(MaintenanceMonitor, { maintenance: id });
      await tx.nativeDelete(MaintenanceComponent, { maintenance: id });
      await tx.nativeDelete(MaintenancePage, { maintenance: id });
      await link(tx, id, patch.monitorIds ?? current.monitorIds, patch.componentIds ?? current.componentIds, pageIds);
    }
  });
  return getMaintenance(em, orgId, id, now);
}

export async function deleteMaintenance(em: EntityManager, orgId: string, id: string): Promise<void> {
  if (!(await em.nativeDelete(Maintenance, { org: orgId, id }))) throw notFound('Maintenance');
}

async function link(tx: EntityManager, id: string, monitorIds: string[], componentIds: string[], pageIds: string[]): Promise<void> {
  if (monitorIds.length) await tx.createQueryBuilder(MaintenanceMonitor).insert(monitorIds.map((monitor) => ({ maintenance: id, monitor }))).onConflict().ignore().execute();
  if (componentIds.length) await tx.createQueryBuilder(MaintenanceComponent).insert(componentIds.map((component) => ({ maintenance: id, component }))).onConflict().ignore().execute();
  if (pageIds.length) await tx.createQueryBuilder(MaintenancePage).insert(pageIds.map((page) => ({ maintenance: id, page }))).onConflict().ignore().execute();
}
