/**
 * What monitoring tells the rest of the server: realtime forwards these to dashboards, alerting
 * decides on them (through the one bus: server/bus.ts).
 */
import type { EventBus } from '../bus.js';
import type { ProbeProblem } from '../../plugins/sdk.js';
import type { MonitorJson, MonitorStatus } from '../../contracts/monitors.js';

export interface HeartbeatEvent {
  monitorId: string;
  orgId: string;
  /** ISO time the check started. */
  at: string;
  status: MonitorStatus;
  ok: boolean;
  /** Milliseconds the check took. */
  latencyMs: number;
  error?: ProbeProblem;
  warning?: ProbeProblem;
  /** The probe's facts (certificate days left, status code, …): for the server's listeners, never pushed to clients. */
  metadata?: Record<string, unknown>;
  /** The monitor's interval when it ran, in seconds: the most time one check covers (contracts/uptime.ts). */
  intervalSeconds: number;
}

export interface StatusEvent {
  monitorId: string;
  orgId: string;
  status: MonitorStatus;
  previous: MonitorStatus;
  /** ISO time the new status began. */
  since: string;
  /** The failure or warning that caused it; null for up, and for changes made by people. */
  reason: ProbeProblem | null;
}

export interface MonitoringEventMap {
  heartbeat: HeartbeatEvent;
  'monitor:status': StatusEvent;
  'monitor:upsert': { orgId: string; monitor: MonitorJson };
  'monitor:delete': { orgId: string; monitorId: string };
}

/** The server's one bus (server/events.ts), as monitoring sees it. */
export type MonitoringEvents = EventBus<MonitoringEventMap>;
