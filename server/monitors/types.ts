/** The monitor as the server holds it, and the vocabulary of its status. */

export const STATUSES = ['pending', 'up', 'degraded', 'down', 'paused', 'maintenance'] as const;
/**
 * pending: no result yet; up; degraded: passing with a warning; down: failing past its retries;
 * paused and maintenance are set from outside and no check result changes them.
 */
export type MonitorStatus = (typeof STATUSES)[number];

export interface LatencyAssertion {
  type: 'latency';
  /** The check must take at most this long (milliseconds). */
  maxMs: number;
  /** failure: the check fails; warning: it passes as degraded. */
  severity: 'warning' | 'failure';
}

/** Extra conditions on a probe's result, beyond what the probe itself checks. */
export type Assertion = LatencyAssertion;

export interface Monitor {
  id: string;
  orgId: string;
  name: string;
  /** Probe plugin id, e.g. 'http'. */
  probe: string;
  /** The plugin config as the user gave it (validated by the plugin's schema when saved). */
  config: Record<string, unknown>;
  /** Seconds between checks. */
  intervalSeconds: number;
  /** Seconds one check may take. */
  timeoutSeconds: number;
  /** Consecutive failures tolerated before the monitor is down. */
  retries: number;
  assertions: Assertion[];
  tags: string[];
  paused: boolean;
  status: MonitorStatus;
  statusSince: Date;
  /** 'CODE: message' of the check that set the status; null for up, pending and paused. */
  statusReason: string | null;
  /** The user who created it; null for API keys or a deleted user. */
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * The API's JSON for a monitor. `alerts`: the alert settings that apply to it (its own or the
 * org's default, see monitors/alerts.ts); absent only on a server without alerting.
 */
export function monitorJson(m: Monitor, alerts?: unknown) {
  return {
    id: m.id,
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
    statusSince: m.statusSince.toISOString(),
    createdAt: m.createdAt.toISOString(),
    updatedAt: m.updatedAt.toISOString(),
    ...(alerts === undefined ? {} : { alerts }),
  };
}

export type MonitorJson = ReturnType<typeof monitorJson>;
