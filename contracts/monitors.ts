/** Monitors as the API answers them and the dashboard edits them (server/monitors/ holds and checks them). */
import type { ProblemJson } from './events.js';

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

/** The phases of one check a probe may time (plugins/sdk.ts hands them to probes). */
export type Phase = 'resolve' | 'connect' | 'tls' | 'firstByte' | 'total';
/** Milliseconds spent in each phase of one check; phases a probe has no notion of are absent. */
export type Timings = Partial<Record<Phase, number>>;

/** One check as the history API answers it (GET …/heartbeats, POST …/check). */
export interface HeartbeatJson {
  /** ISO time the check started. */
  at: string;
  status: MonitorStatus;
  ok: boolean;
  /** Milliseconds the check took. */
  latencyMs: number | null;
  timings: Timings;
  /** Why the check failed; null when it passed. */
  error: ProblemJson | null;
  /** What needs attention though the check passed (the monitor was degraded); null otherwise. */
  warning: ProblemJson | null;
  metadata: Record<string, unknown>;
}

/** One UTC day of a monitor as GET …/monitors/:id/daily answers it. */
export interface DailyBar {
  /** UTC date, YYYY-MM-DD. */
  date: string;
  /** Percent (contracts/uptime.ts); null for a day without checked time. */
  uptime: number | null;
  checks: number;
  /** Mean latency of the checks that were not failures (milliseconds); null when there were none. */
  avgLatencyMs: number | null;
}
