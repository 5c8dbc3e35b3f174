/** Monitors as the API answers them and the dashboard edits them (server/monitors/ holds and checks them). */

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

/** A monitor as the REST API answers it (and `monitor:upsert` pushes it). */
export interface MonitorJson {
  id: string;
  name: string;
  /** Probe plugin id, e.g. 'http'. */
  probe: string;
  config: Record<string, unknown>;
  intervalSeconds: number;
  timeoutSeconds: number;
  retries: number;
  assertions: Assertion[];
  tags: string[];
  paused: boolean;
  status: MonitorStatus;
  statusSince: string;
  createdAt: string;
  updatedAt: string;
}
