/** The monitor as the server holds it; its API answer and status vocabulary are in contracts/monitors.ts. */
import type { Assertion, MonitorJson, MonitorStatus } from '../../contracts/monitors.js';

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
export function monitorJson(m: Monitor, alerts?: unknown): MonitorJson & { alerts?: unknown } {
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
