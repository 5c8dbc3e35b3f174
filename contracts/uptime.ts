/**
 * Uptime, defined once. The API, the dashboard (the server's snapshot and the browser's live
 * estimate), status pages, badges and feeds compute and print it with this module. It imports
 * nothing, so the client bundles it as it is.
 *
 * Uptime is the share of checked time that was up, over a window:
 * - Checked time: each check covers the time since the check before it, at most the monitor's
 *   interval. A check with none before it, or after a longer gap (a pause, a stopped server),
 *   covers one interval; the rest of the gap is not checked time. Seconds are whole seconds of
 *   the checks' start times.
 * - A check's time is up when the check passed and the monitor was up or degraded after it, down
 *   when the monitor was down after it, and not counted otherwise: a failed check whose retries
 *   are not used up (failed, retrying), a monitor still pending, in maintenance or paused.
 * - A check belongs to the window it started in. A window starts at the first whole UTC hour
 *   inside it (the rollups are hourly), so "24 h" holds the checks of the last 23 to 24 hours. A
 *   monitor younger than the window has fewer checks in it, never unchecked time counted as down.
 * - Percent: up / (up + down) × 100, floored to three decimals, so a monitor down for one second
 *   never reads 100; null without checked time. formatPercent prints it everywhere.
 *
 * The rollup tables hold the same sums per bucket (up_seconds, down_seconds: server/results/sql.ts
 * writes them with the same rule); server/results/rollups.ts adds buckets up into windows.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Window lengths in milliseconds. */
export const WINDOWS = { '24h': DAY, '7d': 7 * DAY, '30d': 30 * DAY, '90d': 90 * DAY } as const;
export type UptimeWindow = keyof typeof WINDOWS;
export const WINDOW_NAMES = Object.keys(WINDOWS) as UptimeWindow[];

/** Epoch ms where `window` ending at `now` (epoch ms) starts: the first whole UTC hour inside it. */
export function windowStart(window: UptimeWindow, now: number): number {
  return Math.ceil((now - WINDOWS[window]) / HOUR) * HOUR;
}

/**
 * One check as a letter (the heartbeat strip's encoding): u up, g degraded, d down, r failed while
 * retries remain, p pending or paused, m maintenance.
 */
export function beatLetter(status: string, ok: boolean): string {
  if (status === 'down') return 'd';
  if (status === 'maintenance') return 'm';
  if (status === 'paused') return 'p';
  if (!ok) return 'r';
  return status === 'up' ? 'u' : status === 'degraded' ? 'g' : 'p';
}

/** What a check's time counts as, from its letter; null: not checked time. */
export function countsAs(letter: string): 'up' | 'down' | null {
  return letter === 'u' || letter === 'g' ? 'up' : letter === 'd' ? 'down' : null;
}

export interface CheckedTime {
  /** Seconds covered by checks that were up. */
  upSeconds: number;
  /** Seconds covered by checks that were down. */
  downSeconds: number;
}

export const NO_CHECKED_TIME: CheckedTime = Object.freeze({ upSeconds: 0, downSeconds: 0 });

/**
 * Seconds a check started at `atSeconds` covers: since the check before it (`previousSeconds`,
 * undefined when there is none), at most `intervalSeconds`.
 */
export function spanSeconds(previousSeconds: number | undefined, atSeconds: number, intervalSeconds: number): number {
  if (previousSeconds === undefined) return intervalSeconds;
  return Math.max(0, Math.min(intervalSeconds, atSeconds - previousSeconds));
}

/** `time` with one more check: its letter and the check before it (undefined: none). */
export function addCheck(time: CheckedTime, letter: string, previousSeconds: number | undefined, atSeconds: number, intervalSeconds: number): CheckedTime {
  const as = countsAs(letter);
  if (!as) return time;
  const s = spanSeconds(previousSeconds, atSeconds, intervalSeconds);
  return as === 'up' ? { upSeconds: time.upSeconds + s, downSeconds: time.downSeconds } : { upSeconds: time.upSeconds, downSeconds: time.downSeconds + s };
}

export function sumCheckedTime(list: Iterable<CheckedTime>): CheckedTime {
  let upSeconds = 0;
  let downSeconds = 0;
  for (const t of list) (upSeconds += t.upSeconds), (downSeconds += t.downSeconds);
  return { upSeconds, downSeconds };
}

/** Percent up, floored to three decimals; null without checked time. */
export function uptimePercent(time: CheckedTime): number | null {
  const total = time.upSeconds + time.downSeconds;
  if (total <= 0) return null;
  return Math.floor((time.upSeconds * 100_000) / total) / 1000;
}

export type UptimeLevel = 'good' | 'fair' | 'poor' | 'bad';

/** How good a figure is, for its colour: 99.9 and up, 99, 95, below. */
export function uptimeLevel(percent: number): UptimeLevel {
  return percent >= 99.9 ? 'good' : percent >= 99 ? 'fair' : percent >= 95 ? 'poor' : 'bad';
}

/** "99.98%", "100%", "58.33%": two decimals, floored; "100%" only when nothing was down. */
export function formatPercent(percent: number): string {
  if (percent >= 100) return '100%';
  // From whole hundredths: 99.99 * 100 is 9998.999… in floating point.
  const hundredths = Math.floor(Math.floor(percent * 1000 + 1e-6) / 10);
  return `${Math.floor(hundredths / 100)}.${String(hundredths % 100).padStart(2, '0')}%`;
}
