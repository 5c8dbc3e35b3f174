import type { EntityManager } from '@mikro-orm/postgresql';
import { iso, rows } from '../db/sql.js';
import type { DashboardMonitor, DashboardSnapshot } from '../../contracts/events.js';
import type { MonitorStatus } from '../../contracts/monitors.js';
import type { RecentBeats } from './recent.js';
import { uptimePercent, type CheckedTime } from '../../contracts/uptime.js';

const uptimeFields = (checked24h: CheckedTime) => ({ uptime24h: uptimePercent(checked24h), checked24h });

export { SNAPSHOT_BEATS } from './recent.js';

interface Row {
  id: string;
  name: string;
  probe: string;
  tags: string[];
  paused: boolean;
  interval_seconds: number;
  status: MonitorStatus;
  status_since: Date | string | null;
}

/**
 * Every monitor of an org with its last heartbeats and 24-hour uptime: the monitors from one
 * query on their table, the beats and counts from memory (recent.ts reads those it lacks).
 */
export async function dashboardSnapshot(em: EntityManager, recent: RecentBeats, orgId: string): Promise<Omit<DashboardSnapshot, 'mark'>> {
  const list = await rows<Row>(
    em,
    `SELECT id, name, probe, tags, paused, interval_seconds, status, status_since
     FROM monitors WHERE org_id = ? ORDER BY name, id`,
    [orgId],
  );
  await recent.ensure(list.map((r) => r.id));
  const now = Date.now();
  const monitors: DashboardMonitor[] = list.map((r) => ({
    id: r.id,
    name: r.name,
    probe: r.probe,
    tags: r.tags,
    paused: r.paused,
    intervalSeconds: r.interval_seconds,
    ...recent.status(r.id, { status: r.status, since: iso(r.status_since) }),
    ...uptimeFields(recent.checked24h(r.id, now)),
    beats: recent.beats(r.id),
  }));
  return { orgId, at: new Date(now).toISOString(), monitors };
}
