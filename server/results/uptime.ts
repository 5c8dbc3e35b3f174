/**
 * Uptime and daily bars, read from the rollups only: a 90-day answer reads about 90 day rows,
 * 24 hour rows and 60 minute rows whatever the number of raw heartbeats.
 * Uptime = (checks − failures) / checks, in percent; degraded counts as up.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { rows } from '../db/sql.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Window lengths in milliseconds. */
export const WINDOWS = { '24h': DAY, '7d': 7 * DAY, '30d': 30 * DAY, '90d': 90 * DAY } as const;
export type UptimeWindow = keyof typeof WINDOWS;
export const WINDOW_NAMES = Object.keys(WINDOWS) as UptimeWindow[];

const ceilTo = (t: number, unit: number) => Math.ceil(t / unit) * unit;

/** Percent with three decimals; null when there were no checks. */
function percent(checks: number, failures: number): number | null {
  return checks > 0 ? Math.round(((checks - failures) / checks) * 100_000) / 1000 : null;
}

/**
 * Each window is covered by whole rollup buckets: for 24h, minutes up to the first whole hour and
 * hours from there (so it is exact to the minute); for longer windows, hours up to the first whole
 * day and days from there (exact to the hour; minute rollups are not kept that long). The current
 * hour and day are rollup rows like any other: the writer adds to them as results arrive.
 */
export async function uptime(em: EntityManager, monitorId: string, windows: readonly UptimeWindow[], now = Date.now()) {
  const parts: string[] = [];
  const params: unknown[] = [];
  const part = (w: string, table: string, from: number, to?: number) => {
    parts.push(`SELECT ?::text AS w, checks, failures FROM ${table} WHERE monitor_id = ? AND bucket >= ?${to === undefined ? '' : ' AND bucket < ?'}`);
    params.push(w, monitorId, new Date(from));
    if (to !== undefined) params.push(new Date(to));
  };
  for (const w of windows) {
    const start = now - WINDOWS[w];
    const hour = ceilTo(start, HOUR);
    if (w === '24h') {
      part(w, 'heartbeat_rollups_minute', start, hour);
      part(w, 'heartbeat_rollups_hour', hour);
    } else {
      const day = ceilTo(start, DAY);
      part(w, 'heartbeat_rollups_hour', hour, day);
      part(w, 'heartbeat_rollups_day', day);
    }
  }
  const sums = parts.length
    ? await rows<{ w: UptimeWindow; checks: string; failures: string }>(
        em,
        `SELECT w, sum(checks) AS checks, sum(failures) AS failures FROM (${parts.join(' UNION ALL ')}) x GROUP BY w`,
        params,
      )
    : [];
  const result = {} as Record<UptimeWindow, number | null>;
  for (const w of windows) {
    const row = sums.find((r) => r.w === w);
    result[w] = row ? percent(Number(row.checks), Number(row.failures)) : null;
  }
  return result;
}

export interface DailyBar {
  /** UTC date, YYYY-MM-DD. */
  date: string;
  /** Percent; null for a day without checks. */
  uptime: number | null;
  checks: number;
  /** Mean latency of the checks that were not failures (milliseconds); null when there were none. */
  avgLatencyMs: number | null;
}

/** One bar per UTC day, oldest first, today last; days without checks included. */
export async function daily(em: EntityManager, monitorId: string, days: number, now = Date.now()): Promise<DailyBar[]> {
  const first = Math.floor(now / DAY) * DAY - (days - 1) * DAY;
  const stored = await rows<{ bucket: string | Date; checks: number; failures: number; latency_sum: number }>(
    em,
    'SELECT bucket, checks, failures, latency_sum FROM heartbeat_rollups_day WHERE monitor_id = ? AND bucket >= ? ORDER BY bucket',
    [monitorId, new Date(first)],
  );
  const byDay = new Map(stored.map((r) => [new Date(r.bucket).getTime(), r]));
  return Array.from({ length: days }, (_, i) => {
    const t = first + i * DAY;
    const r = byDay.get(t);
    const passed = r ? r.checks - r.failures : 0;
    return {
      date: new Date(t).toISOString().slice(0, 10),
      uptime: r ? percent(r.checks, r.failures) : null,
      checks: r?.checks ?? 0,
      avgLatencyMs: r && passed > 0 ? Math.round((r.latency_sum / passed) * 100) / 100 : null,
    };
  });
}
