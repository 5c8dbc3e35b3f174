import type { EntityManager } from '@mikro-orm/postgresql';
import { rows } from '../db/sql.js';
import type { DashboardMonitor, DashboardSnapshot, MonitorStatus } from './events.js';

/** Heartbeats per monitor in a dashboard snapshot (the strip shows about this many). */
export const SNAPSHOT_BEATS = 50;

const LETTER: Record<string, string> = { up: 'u', degraded: 'g', down: 'd', pending: 'p', maintenance: 'm', paused: 'p' };

interface Row {
  id: string;
  name: string;
  probe: string;
  tags: string[];
  paused: boolean;
  interval_seconds: number;
  status: MonitorStatus;
  status_since: Date | string | null;
  t: number[] | null;
  s: string[] | null;
  l: number[] | null;
  checks: number | null;
  failures: number | null;
}

/**
 * Every monitor of an org with its last heartbeats and 24-hour uptime, in one query: one index
 * range scan per monitor for the beats, the hourly rollups for uptime.
 */
export async function dashboardSnapshot(em: EntityManager, orgId: string): Promise<DashboardSnapshot> {
  const list = await rows<Row>(
    em,
    `SELECT m.id, m.name, m.probe, m.tags, m.paused, m.interval_seconds, m.status, m.status_since,
            b.t, b.s, b.l, u.checks, u.failures
     FROM monitors m
     LEFT JOIN LATERAL (
       SELECT array_agg(floor(extract(epoch FROM x.at))::bigint ORDER BY x.at) AS t,
              array_agg(x.status ORDER BY x.at) AS s,
              array_agg(coalesce(round(x.latency_ms), -1)::int ORDER BY x.at) AS l
       FROM (SELECT at, status, latency_ms FROM heartbeats WHERE monitor_id = m.id ORDER BY at DESC LIMIT ${SNAPSHOT_BEATS}) x
     ) b ON true
     LEFT JOIN LATERAL (
       SELECT sum(checks)::int AS checks, sum(failures)::int AS failures
       FROM heartbeat_rollups_hour WHERE monitor_id = m.id AND bucket > now() - interval '24 hours'
     ) u ON true
     WHERE m.org_id = ?
     ORDER BY m.name, m.id`,
    [orgId],
  );
  const monitors: DashboardMonitor[] = list.map((r) => ({
    id: r.id,
    name: r.name,
    probe: r.probe,
    tags: r.tags,
    paused: r.paused,
    intervalSeconds: r.interval_seconds,
    status: r.status,
    since: r.status_since ? new Date(r.status_since).toISOString() : null,
    uptime24h: r.checks ? Math.round(((r.checks - (r.failures ?? 0)) / r.checks) * 10000) / 100 : null,
    beats: { t: (r.t ?? []).map(Number), s: (r.s ?? []).map((x) => LETTER[x] ?? 'p').join(''), l: r.l ?? [] },
  }));
  return { orgId, at: new Date().toISOString(), monitors };
}
