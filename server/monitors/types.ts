/** The monitor as the server holds it; its API answer and status vocabulary are in contracts/monitors.ts. */
import type { MonitorJson } from '../../contracts/monitors.js';

/** The monitor as the server holds it: its API answer's fields with real dates, and what only the server knows. */
export interface Monitor extends Omit<MonitorJson, 'statusSince' | 'createdAt' | 'updatedAt'> {
  orgId: string;
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
