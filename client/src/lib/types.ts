/** Shapes of the REST answers the dashboard reads (API.md); the realtime ones come from the server's event map. */
import type { MonitorJson, MonitorStatus } from '../../../server/realtime/events';

export type { MonitorJson, MonitorStatus };
export type { DashboardMonitor, DashboardSnapshot, HeartbeatEvent, MonitorStatusEvent } from '../../../server/realtime/events';

/** A monitor's alert settings (`alerts`): its own, or its organization's default. */
export interface MonitorAlerts {
  channelIds: string[];
  /** Minutes between reminders while down; null: no reminders. */
  remindEveryMinutes: number | null;
  /** Also alert when degraded (slow, certificate near expiry). */
  onDegraded: boolean;
  /** More than `changes` status changes within `windowMinutes` is flapping (not edited by the form, kept as it is). */
  flapping: { changes: number; windowMinutes: number };
  /** The monitor has no settings of its own: the organization's default applies. */
  inherited: boolean;
}

/** GET /orgs/:org/alert-defaults: what applies to monitors without settings of their own. */
export type AlertDefaults = Omit<MonitorAlerts, 'inherited'>;

/** A monitor as the REST API answers it: what sockets push, with its alert settings. */
export type MonitorWithAlerts = MonitorJson & { alerts: MonitorAlerts };

export interface NotificationChannel {
  id: string;
  name: string;
  /** The notifier plugin's id, e.g. `webhook`, `slack`. */
  notifier: string;
  /** A disabled channel is sent nothing. */
  enabled: boolean;
}

/** One entry of GET /orgs/:org/monitors/:id/alerts: an alert to one channel and how its delivery went. */
export interface AlertDelivery {
  id: string;
  /** ISO time of the last attempt, or of queueing when none was made yet. */
  at: string;
  /** null: the channel was deleted. */
  channelId: string | null;
  /** `monitor.down`, `monitor.up`, `monitor.degraded`, `monitor.flapping`, `test`, … */
  event: string;
  state: 'pending' | 'sending' | 'delivered' | 'failed';
  ok: boolean;
  /** Sends started so far. */
  attempts: number;
  /** Why the last attempt failed. */
  error?: { code: string; message: string };
  /** 1, 2, … when a `monitor.down` is a reminder of an ongoing outage. */
  reminder?: number;
  /** Days the certificate had left, when a `monitor.degraded` warns of it. */
  certificateDaysLeft?: number;
}

export type Role = 'owner' | 'admin' | 'member';
export const ROLES: Role[] = ['owner', 'admin', 'member'];

export const SCOPES = ['monitors:read', 'monitors:write', 'status-pages:read', 'status-pages:write', 'incidents:write', 'org:admin'] as const;
export type Scope = (typeof SCOPES)[number];

export interface Instance {
  needsSetup: boolean;
  signup: 'invite' | 'open';
  version: string;
}

export interface User {
  id: string;
  email: string;
  name: string;
  createdAt: string;
}

export interface OrgRef {
  id: string;
  name: string;
  role: Role;
}

export interface Me {
  user: User;
  orgs: OrgRef[];
}

export interface Org {
  id: string;
  name: string;
  /** Members (not only admins) may create, edit and run monitors. */
  membersCanWrite: boolean;
  createdAt: string;
  role: Role | null;
}

export interface Member {
  userId: string;
  email: string;
  name: string;
  role: Role;
  joinedAt: string;
}

export interface Invitation {
  id: string;
  email: string;
  role: Role;
  invitedBy: string | null;
  createdAt: string;
  expiresAt: string;
}

export interface ApiKey {
  id: string;
  name: string;
  /** The first characters of the key, e.g. `pp_live_AbC12x`. */
  prefix: string;
  scopes: Scope[];
  createdAt: string;
  lastUsedAt: string | null;
  createdBy: string | null;
}

export interface AuditEntry {
  id: string;
  at: string;
  action: string;
  actor: { userId: string | null; email: string | null; keyId: string | null };
  target: string | null;
  ip: string | null;
  details: Record<string, unknown> | null;
}

export interface SessionInfo {
  id: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  ip: string | null;
  userAgent: string | null;
  current: boolean;
}

export interface Probe {
  id: string;
  version: string;
  title: string;
  description: string;
  configSchema: Record<string, unknown>;
}

export type Phase = 'resolve' | 'connect' | 'tls' | 'firstByte' | 'total';

export interface Heartbeat {
  at: string;
  status: MonitorStatus;
  ok: boolean;
  /** Total duration in ms; null when the check never connected. */
  latencyMs: number | null;
  timings: Partial<Record<Phase, number>>;
  /** Why the check failed; null when it passed. */
  error: Problem | null;
  /** What needs attention though the check passed (degraded); null otherwise. */
  warning: Problem | null;
  metadata: Record<string, unknown>;
}

export interface Problem {
  code: string;
  message: string;
}

export interface DailyUptime {
  /** YYYY-MM-DD (UTC). */
  date: string;
  /** Percent; null on a day without checks. */
  uptime: number | null;
  checks: number;
  avgLatencyMs: number | null;
}

/** What POST …/check answers: the result of an immediate run, recorded like a scheduled one. */
export type CheckResult = Heartbeat;

export type Uptime = Partial<Record<'24h' | '7d' | '30d' | '90d', number | null>>;

/** The one assertion kind the API knows today. */
export interface LatencyAssertion {
  type: 'latency';
  /** Longest acceptable check, ms. */
  maxMs: number;
  /** failure: the check fails; warning: the monitor is degraded. */
  severity: 'warning' | 'failure';
}
