/** The monitors table. Every org-facing query filters by org: another org's monitor does not exist. */
import { LockMode, type EntityManager } from '@mikro-orm/postgresql';
import { Monitor as MonitorEntity, type MonitorRow } from './entities.js';
import type { Monitor } from './types.js';
import type { MonitorStatus } from '../../contracts/monitors.js';

/**
 * A monitor as the query builder maps a row without making an entity (`execute('all')`): columns
 * by property name, times as Dates, relations as their ids. The reads of many monitors use it:
 * making and tracking an entity per row costs about four times the query itself, and nothing
 * edits what they read. (Every monitor at the scheduler's start: all.ts.)
 */
type MonitorData = Omit<MonitorRow, 'org' | 'createdBy'> & { org: string; createdBy: string | null };

const idOf = (ref: string | { id: string }) => (typeof ref === 'string' ? ref : ref.id);

/** The monitor as the rest of the server holds it (ids for its relations, a reason or null). */
function toMonitor(m: MonitorRow | MonitorData): Monitor {
  return {
    id: m.id,
    orgId: idOf(m.org),
    name: m.name,
    probe: m.probe,
    config: m.config,
    intervalSeconds: m.intervalSeconds,
    timeoutSeconds: m.timeoutSeconds,
    retries: m.retries,
    assertions: m.assertions,
    tags: m.tags,
    paused: m.paused,
    status: m.status,
    statusSince: m.statusSince,
    // Absent (not read back) on an entity just inserted: a new monitor has no reason yet.
    statusReason: m.statusReason ?? null,
    createdBy: m.createdBy ? idOf(m.createdBy) : null,
    createdAt: m.createdAt,
    updatedAt: m.updatedAt,
  };
}

export async function listMonitors(em: EntityManager, orgId: string): Promise<Monitor[]> {
  const list = await em.createQueryBuilder(MonitorEntity).select('*').where({ org: orgId }).orderBy({ createdAt: 'asc', id: 'asc' }).execute<MonitorData[]>('all');
  return list.map(toMonitor);
}

/** Id and last change of every monitor: enough to tell which ones to re-read. */
export function monitorVersions(em: EntityManager): Promise<Array<Pick<MonitorData, 'id' | 'updatedAt'>>> {
  return em.createQueryBuilder(MonitorEntity).select(['id', 'updatedAt']).execute('all');
}

/** Ids per query: `$in` sends one bind parameter per id, and PostgreSQL takes at most 65,535. */
const IDS_PER_QUERY = 10_000;

export async function monitorsById(em: EntityManager, ids: readonly string[]): Promise<Monitor[]> {
  const out: Monitor[] = [];
  for (let i = 0; i < ids.length; i += IDS_PER_QUERY) {
    const chunk = ids.slice(i, i + IDS_PER_QUERY);
    const list = await em.createQueryBuilder(MonitorEntity).select('*').where({ id: { $in: chunk } }).execute<MonitorData[]>('all');
    for (const m of list) out.push(toMonitor(m));
  }
  return out;
}

/** The org's monitor; `forUpdate` locks its row (inside the caller's transaction) until that ends. */
export async function findMonitor(em: EntityManager, orgId: string, id: string, forUpdate = false): Promise<Monitor | undefined> {
  const m = await em.findOne(MonitorEntity, { org: orgId, id }, forUpdate ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {});
  return m ? toMonitor(m) : undefined;
}

/**
 * The org's monitor as a managed entity, to change: by primary key, so the one the caller's
 * transaction already read (and locked) comes from the identity map instead of another query.
 */
async function owned(em: EntityManager, orgId: string, id: string) {
  const m = await em.findOne(MonitorEntity, id);
  return m && m.org.id === orgId ? m : undefined;
}

export type NewMonitor = Pick<Monitor, 'id' | 'orgId' | 'name' | 'probe' | 'config' | 'intervalSeconds' | 'timeoutSeconds' | 'retries' | 'assertions' | 'tags' | 'createdBy'>;

/** Inserts the monitor; the columns the database fills (status, times) come back with it. */
export async function insertMonitor(em: EntityManager, m: NewMonitor): Promise<Monitor> {
  const { orgId, createdBy, ...fields } = m;
  const created = em.create(MonitorEntity, { ...fields, org: orgId, createdBy });
  await em.flush();
  return toMonitor(created);
}

export type MonitorChanges = Partial<Pick<Monitor, 'name' | 'probe' | 'config' | 'intervalSeconds' | 'timeoutSeconds' | 'retries' | 'assertions' | 'tags'>>;

export async function updateMonitor(em: EntityManager, orgId: string, id: string, changes: MonitorChanges): Promise<Monitor | undefined> {
  const m = await owned(em, orgId, id);
  if (!m) return undefined;
  for (const [key, value] of Object.entries(changes) as Array<[keyof MonitorChanges, never]>) {
    if (value !== undefined) m[key] = value;
  }
  m.updatedAt = new Date();
  await em.flush();
  return toMonitor(m);
}

/** Pause, resume or maintenance: a status set by people, effective from `since`. */
export async function setPaused(em: EntityManager, orgId: string, id: string, paused: boolean, status: MonitorStatus, since: Date): Promise<Monitor | undefined> {
  const m = await owned(em, orgId, id);
  if (!m) return undefined;
  m.paused = paused;
  m.status = status;
  m.statusSince = since;
  m.statusReason = null;
  m.updatedAt = new Date();
  await em.flush();
  return toMonitor(m);
}

export async function deleteMonitor(em: EntityManager, orgId: string, id: string): Promise<boolean> {
  const deleted = await em.nativeDelete(MonitorEntity, { org: orgId, id });
  return deleted > 0;
}
