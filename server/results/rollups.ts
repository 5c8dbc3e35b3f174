/**
 * Uptime and daily bars, read from the rollups only (uptime.ts defines what they hold): a 90-day
 * answer reads about 90 day rows and 24 hour rows per monitor, whatever the number of heartbeats.
 * Hot path: raw SQL (uptime windows and daily bars from the rollups, measured by bench:history).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { rows } from '../db/sql.js';
import type { RollupRow, Selected } from './entities.js';
import { NO_CHECKED_TIME, uptimePercent, windowStart, type CheckedTime, type UptimeWindow } from '../../contracts/uptime.js';
import type { DailyBar } from '../../contracts/monitors.js';

const DAY = 86_400_000;

const ceilTo = (t: number, unit: number) => Math.ceil(t / unit) * unit;

/** Checked time of a monitor in a window: sum() of integer columns is a bigint, which arrives as text. */
type Sums = Pick<RollupRow, 'monitorId'> & { w: UptimeWindow; up: string; down: string };

/** A day rollup as daily() reads it. */
type DayRow = Selected<Pick<RollupRow, 'bucket' | 'checks' | 'failures' | 'latencySum' | 'upSeconds' | 'downSeconds'>>;

/**
 * Checked time per monitor and window. A window starts on a whole hour (windowStart): hour
 * buckets cover it up to the first whole day, day buckets from there. The current hour and day are
 * rollup rows like any other: the writer adds to them as results arrive. Monitors without checks
 * in a window get NO_CHECKED_TIME.
 */
export async function checkedTimes(
  em: EntityManager,
  monitorIds: readonly string[],
  windows: readonly UptimeWindow[],
  now = Date.now(),
): Promise<Map<string, Record<UptimeWindow, CheckedTime>>> {
  const parts: string[] = [];
  const params: unknown[] = [];
  const ids = `{${monitorIds.join(',')}}`;
  const part = (w: string, table: string, from: number, to?: number) => {
    parts.push(
      `SELECT ?::text AS w, monitor_id, up_seconds, down_seconds FROM ${table} WHERE monitor_id = ANY (?::uuid[]) AND bucket >= ?${to === undefined ? '' : ' AND bucket < ?'}`,
    );
    params.push(w, ids, new Date(from));
    if (to !== undefined) params.push(new Date(to));
  };
  for (const w of windows) {
    const start = windowStart(w, now);
    const day = ceilTo(start, DAY);
    part(w, 'heartbeat_rollups_hour', start, day);
    part(w, 'heartbeat_rollups_day', day);
  }
  const sums =
    parts.length && monitorIds.length
      ? await rows<Sums>(
          em,
          `SELECT w, monitor_id AS "monitorId", sum(up_seconds) AS up, sum(down_seconds) AS down FROM (${parts.join(' UNION ALL ')}) x GROUP BY w, monitor_id`,
          params,
        )
      : [];
  const out = new Map<string, Record<UptimeWindow, CheckedTime>>();
  for (const id of monitorIds) out.set(id, Object.fromEntries(windows.map((w) => [w, NO_CHECKED_TIME])) as Record<UptimeWindow, CheckedTime>);
  for (const r of sums) out.get(r.monitorId)![r.w] = { upSeconds: Number(r.up), downSeconds: Number(r.down) };
  return out;
}

/** One monitor's uptime per window, in percent (uptime.ts); null for a window without checked time. */
export async function uptime(em: EntityManager, monitorId: string, windows: readonly UptimeWindow[], now = Date.now()) {
  const times = (await checkedTimes(em, [monitorId], windows, now)).get(monitorId)!;
  const result = {} as Record<UptimeWindow, number | null>;
  for (const w of windows) result[w] = uptimePercent(times[w]);
  return result;
}

/** One bar per UTC day, oldest first, today last; days without checks included. */
export async function daily(em: EntityManager, monitorId: string, days: number, now = Date.now()): Promise<DailyBar[]> {
  const first = Math.floor(now / DAY) * DAY - (days - 1) * DAY;
  const stored = await rows<DayRow>(
    em,
    `SELECT bucket, checks, failures, latency_sum AS "latencySum", up_seconds AS "upSeconds", down_seconds AS "downSeconds"
     FROM heartbeat_rollups_day WHERE monitor_id = ? AND bucket >= ? ORDER BY bucket`,
    [monitorId, new Date(first)],
  );
  const byDay = new Map(stored.map((r) => [new Date(r.bucket).getTime(), r]));
  return Array.from({ length: days }, (_, i) => {
    const t = first + i * DAY;
    const r = byDay.get(t);
    const passed = r ? r.checks - r.failures : 0;
    return {
      date: new Date(t).toISOString().slice(0, 10),
      uptime: r ? uptimePercent({ upSeconds: r.upSeconds, downSeconds: r.downSeconds }) : null,
      checks: r?.checks ?? 0,
      avgLatencyMs: r && passed > 0 ? Math.round((r.latencySum / passed) * 100) / 100 : null,
    };
  });
}
