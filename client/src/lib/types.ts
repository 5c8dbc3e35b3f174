/** Shapes of the REST answers the dashboard reads (API.md); the realtime ones come from the server's event map. */
import type { MonitorJson, MonitorStatus } from '../../../contracts/events';

export type { MonitorJson, MonitorStatus };
export type { DashboardMonitor, DashboardSnapshot, HeartbeatEvent, MonitorStatusEvent } from '../../../contracts/events';

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

/** What each role may do, in a sentence. */
export const ROLE_HELP: Record<Role, string> = {
  owner: 'Everything, including owners and deleting the organization',
  admin: 'Everything inside the organization except owners',
  member: 'Sees everything; changes monitors only if the organization allows it',
};

/** "an admin", "a member". */
export const withArticle = (role: Role) => `${role === 'owner' || role === 'admin' ? 'an' : 'a'} ${role}`;

export const SCOPES = ['monitors:read', 'monitors:write', 'status-pages:read', 'status-pages:write', 'incidents:write', 'org:admin'] as const;
export type Scope = (typeof SCOPES)[number];

export interface Instance {
  needsSetup: boolean;
  /** The first account must give the set-up code PingPage printed at start (asked from another machine). */
  setupCodeRequired: boolean;
  signup: 'invite' | 'open';
  version: string;
  /** PUBLIC_URL: the API's base URL is this + /api/v1. */
  publicUrl: string;
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
  /** When the current link was issued (creation or the latest resend). */
  sentAt: string;
  expiresAt: string;
  state: 'pending' | 'expired';
  /** The current link went out by e-mail; false: it was shown to whoever invited. */
  emailed: boolean;
}

/** An invitation as made or resent: its link comes with it once, unless it was e-mailed. */
export interface IssuedInvitation extends Invitation {
  pending: true;
  link?: string;
}

/** What POST /auth/signup answers (the session cookie comes with it). */
export interface SignedUp {
  user: User;
  /** The organization the account got of its own, if any. */
  org: Org | null;
  /** The organization joined through an invitation link. */
  joined: OrgRef | null;
}

/** What an invitation link offers, before it is accepted. */
export interface InvitationPreview {
  org: { id: string; name: string };
  /** Null when an API key invited, or the inviter's account is gone. */
  inviter: string | null;
  email: string;
  role: Role;
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
  /** Labels of its results' metadata keys (`fingerprint256` → "SHA-256 fingerprint"). */
  metadataLabels?: Record<string, string>;
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
