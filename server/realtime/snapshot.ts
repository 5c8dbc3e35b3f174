import type { EntityManager } from '@mikro-orm/postgresql';
import type { DashboardMonitor, DashboardSnapshot } from '../../contracts/events.js';
import { Monitor, type MonitorRow } from '../monitors/entities.js';
import type { RecentBeats } from './recent.js';
import { uptimePercent, type CheckedTime } from '../../contracts/uptime.js';

const uptimeFields = (checked24h: CheckedTime) => ({ uptime24h: uptimePercent(checked24h), checked24h });

export { SNAPSHOT_BEATS } from './recent.js';

/**
 * Every monitor of an org with its last heartbeats and 24-hour uptime: the monitors from one
 * query on their table, the beats and counts from memory (recent.ts reads those it lacks).
 */
export async function dashboardSnapshot(em: EntityManager, recent: RecentBeats, orgId: string): Promise<Omit<DashboardSnapshot, 'mark'>> {
  // Plain rows, no entities: a dashboard's first load reads all of its org's monitors (store.ts MonitorData).
  const list = await em
    .createQueryBuilder(Monitor)
    .select(['id', 'name', 'probe', 'tags', 'paused', 'intervalSeconds', 'status', 'statusSince'])
    .where({ org: orgId })
    .orderBy({ name: 'asc', id: 'asc' })
    .execute<Array<Pick<MonitorRow, 'id' | 'name' | 'probe' | 'tags' | 'paused' | 'intervalSeconds' | 'status' | 'statusSince'>>>('all');
  await recent.ensure(list.map((r) => r.id));
  const now = Date.now();
  const monitors: DashboardMonitor[] = list.map((r) => ({
    id: r.id,
    name: r.name,
    probe: r.probe,
    tags: r.tags,
    paused: r.paused,
    intervalSeconds: r.intervalSeconds,
    ...recent.status(r.id, { status: r.status, since: r.statusSince.toISOString() }),
    ...uptimeFields(recent.checked24h(r.id, now)),
    beats: recent.beats(r.id),
  }));
  return { orgId, at: new Date(now).toISOString(), monitors };
}
