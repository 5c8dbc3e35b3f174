/**
 * One monitor's history for the uptime tests (bug 2 of issue 13): retries, an outage, a check run
 * by hand, a maintenance window, a pause, six hours in all. Recorded the way the check engine
 * records a check (the writer's row and the event realtime forwards), at chosen times.
 */
import type { MonitorStatus } from '../../contracts/monitors.js';
import type { PingPage } from '../main.js';
import type { CheckedTime } from '../../contracts/uptime.js';

const MIN = 60_000;
/** The monitor's interval, in seconds. */
export const HISTORY_INTERVAL = 60;

export class UptimeHistory {
  /** Six hours before the history was made, on a whole second: minute 0 of the history. */
  readonly base = Math.floor((Date.now() - 6 * 60 * MIN) / 1000) * 1000;

  constructor(
    private readonly app: PingPage,
    private readonly orgId: string,
    private readonly monitorId: string,
  ) {}

  /** Checks before the pause: up for an hour, two failed within the retries, down 10 min, up, a check by hand, maintenance, up. */
  firstPart(): void {
    this.#each(0, 59, 'up'); // 3,600 s up (the first check covers one interval)
    this.#each(60, 61, 'up', false); // failed, retrying: not counted
    this.#each(62, 71, 'down'); // 600 s down
    this.#each(72, 89, 'up'); // 1,080 s up
    this.record(89.25, 'up'); // by hand, 15 s after the one before: 15 s up
    this.#each(90, 119, 'maintenance'); // not counted
    this.#each(120, 149, 'up'); // 1,800 s up
  }

  /** After a two-hour pause: up (covering one interval, not the pause), down 10 min, up. */
  secondPart(): void {
    this.record(270, 'up'); // 60 s up
    this.#each(271, 280, 'down'); // 600 s down
    this.#each(281, 339, 'up'); // 3,540 s up
  }

  /** One check `minute` minutes into the history. */
  record(minute: number, status: MonitorStatus, ok = status !== 'down'): void {
    const { app, orgId, monitorId } = this;
    const at = new Date(this.base + minute * MIN);
    app.monitoring.writer.enqueue({ monitorId, at, status, ok, latencyMs: 20, timings: { total: 20 }, metadata: {}, intervalSeconds: HISTORY_INTERVAL });
    app.monitoring.events.emit('heartbeat', { monitorId, orgId, at: at.toISOString(), status, ok, latencyMs: 20, intervalSeconds: HISTORY_INTERVAL });
  }

  #each(from: number, to: number, status: MonitorStatus, ok?: boolean): void {
    for (let m = from; m <= to; m++) this.record(m, status, ok);
  }
}

/** The checked time of the whole history, worked out by hand from the rule in contracts/uptime.ts. */
export const HISTORY_TIME: CheckedTime = { upSeconds: 3600 + 1080 + 15 + 1800 + 60 + 3540, downSeconds: 600 + 600 };
/** Its uptime: 10,095 of 11,295 s. */
export const HISTORY_PERCENT = 89.375;
export const HISTORY_PRINTED = '89.37%';
/** Checks in the first part, and in the second. */
export const HISTORY_CHECKS = [151, 70] as const;
