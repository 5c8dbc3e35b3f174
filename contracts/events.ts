/**
 * The Socket.IO contract, one typed map for server and client (the client imports it with
 * `import type`). Namespaces: `/dashboard` (signed in, rooms `org:<id>`) and `/status` (public,
 * rooms `page:<slug>`).
 */

import { z } from 'zod';
import { MonitorStatus, type MonitorJson } from './monitors.js';
import { Id, Time } from './wire.js';
import type { CheckedTime } from './uptime.js';
import type { ComponentStatus } from './vocab.js';

import type { Problem as ProblemJson } from './wire.js';

export type { ProblemJson };

/** One check's result as pushed live. */
export interface HeartbeatEvent {
  monitorId: string;
  /** ISO 8601 UTC, when the check started. */
  at: string;
  status: MonitorStatus;
  ok: boolean;
  /** Total duration of the check in ms; null when it never connected. */
  latencyMs: number | null;
  error?: ProblemJson;
}

export interface MonitorStatusEvent {
  monitorId: string;
  status: MonitorStatus;
  /** ISO 8601 UTC, when the monitor entered this status. */
  since: string;
  /** Why (the failing check's error message), when there is one. */
  reason?: string;
}

/**
 * The last heartbeats of one monitor, column-wise to keep the snapshot small: index i of each
 * array is one check, oldest first.
 */
export interface BeatColumns {
  /** Seconds since the Unix epoch. */
  t: number[];
  /** Status letters (contracts/uptime.ts beatLetter): u up, g degraded, d down, r failed while retries remain, p pending, m maintenance. */
  s: string;
  /** Latency in whole ms; -1 when there was none. */
  l: number[];
}

/** BeatColumns as a snapshot carries them: times as differences, which halves its JSON. */
export const SnapshotBeats = z
  .object({
    dt: z.array(z.number()).describe('Seconds: the first since the Unix epoch, each next one since the one before'),
    s: z.string().describe('Status letters (contracts/uptime.ts beatLetter): u up, g degraded, d down, r failed while retries remain, p pending, m maintenance'),
    l: z.array(z.number()).describe('Latency in whole ms; -1 when there was none'),
  })
  .describe('The last checks, oldest first, column-wise: index i of each column is one check');
export type SnapshotBeats = z.infer<typeof SnapshotBeats>;

export const DashboardMonitor = z
  .object({
    id: Id,
    name: z.string(),
    probe: z.string(),
    tags: z.array(z.string()),
    paused: z.boolean(),
    intervalSeconds: z.number().int(),
    status: MonitorStatus,
    since: Time.nullable(),
    uptime24h: z.number().nullable().describe('Percent over the last 24 h (contracts/uptime.ts); null without checked time'),
    checked24h: z
      .object({ upSeconds: z.number(), downSeconds: z.number() })
      .describe('The checked time behind uptime24h: the dashboard adds each live check to it (uptime.ts addCheck)') satisfies z.ZodType<CheckedTime>,
    beats: SnapshotBeats,
  })
  .meta({ id: 'DashboardMonitor' });
export type DashboardMonitor = z.infer<typeof DashboardMonitor>;

export const DashboardSnapshot = z
  .object({
    orgId: Id,
    at: Time.describe('When the server built it'),
    mark: z
      .string()
      .describe("Where it stands in what the org's dashboards were sent: hand it back as subscribe's `resume` to get what was sent after it instead of a new snapshot"),
    monitors: z.array(DashboardMonitor),
  })
  .meta({ id: 'DashboardSnapshot' });
export type DashboardSnapshot = z.infer<typeof DashboardSnapshot>;

/** One event as the org's dashboards were sent it: its name, then its payload. */
export type OrgEvent = {
  [E in keyof DashboardServerEvents]: [E, ...Parameters<DashboardServerEvents[E]>];
}[keyof DashboardServerEvents];

/** subscribe's answer to a `resume` the server could honour: what was sent after the mark, oldest first. */
export interface DashboardCatchUp {
  orgId: string;
  events: OrgEvent[];
}

/**
 * A snapshot as sent to a client that asked for `encoding: 'deflate-raw'`: the raw DEFLATE of
 * its JSON, as one binary attachment (browsers: `new DecompressionStream('deflate-raw')`).
 */
export interface PackedSnapshot {
  encoding: 'deflate-raw';
  /** A Buffer on the server; an ArrayBuffer in browsers and socket.io-client. */
  bytes: Uint8Array | ArrayBuffer;
}

export type Ack<T> = (answer: { ok: true; data: T } | { ok: false; error: ProblemJson }) => void;

export interface IncidentEvent {
  id: string;
  title: string;
  status: 'investigating' | 'identified' | 'monitoring' | 'resolved';
  impact: 'none' | 'minor' | 'major' | 'critical';
  updatedAt: string;
}

/** A maintenance window that was created, changed, started, ended or deleted: read it again. */
export interface MaintenanceEvent {
  id: string;
  title: string;
  startsAt: string;
  endsAt: string;
  monitorIds: string[];
}

export interface DashboardServerEvents {
  heartbeat: (e: HeartbeatEvent) => void;
  'monitor:status': (e: MonitorStatusEvent) => void;
  'monitor:upsert': (m: MonitorJson) => void;
  'monitor:delete': (e: { monitorId: string }) => void;
  'incident:upsert': (e: IncidentEvent) => void;
  'maintenance:upsert': (e: MaintenanceEvent) => void;
}

export interface DashboardClientEvents {
  /**
   * With `encoding`, the snapshot comes compressed (PackedSnapshot); without, as plain JSON. With
   * `resume` (a snapshot's mark, e.g. from GET /orgs/:org/dashboard), the answer is what was sent
   * since (DashboardCatchUp) while the server still holds it, else a snapshot as without.
   */
  subscribe: (
    req: { orgId: string; encoding?: 'deflate-raw'; resume?: string },
    ack: Ack<DashboardSnapshot | PackedSnapshot | DashboardCatchUp>,
  ) => void;
  unsubscribe: (req: { orgId: string }, ack: Ack<null>) => void;
}

/** What `/status` pushes: only the parts of the public page that changed. */
export interface PageUpdate {
  slug: string;
  overall?: ComponentStatus;
  components?: Array<{ id: string; status: ComponentStatus }>;
  incidents?: unknown[];
  maintenances?: unknown[];
  /** ISO 8601 UTC of the snapshot this update brings the page to. */
  at: string;
}

export interface StatusServerEvents {
  'page:update': (u: PageUpdate) => void;
}

export interface StatusClientEvents {
  /** `token`: a password-protected page's live token (GET <page>/live-token). */
  subscribe: (req: { slug: string; token?: string }, ack: Ack<unknown>) => void;
}
