/**
 * Shapes of the REST answers the dashboard reads (API.md). Those the server also speaks come from
 * contracts/ under the dashboard's names; the rest are the dashboard's own views of an answer.
 */
import type { AlertPolicy, PolicyJson } from '../../../contracts/alerting';
import type { ApiKeyInfo, AuditJson, InvitationJson, InvitationPreview, MemberJson, OrgJson, SessionInfo, UserJson } from '../../../contracts/accounts';
import type { Role, Scope } from '../../../contracts/auth';
import type { ProblemJson } from '../../../contracts/events';
import type { InstanceJson } from '../../../contracts/instance';
import type { UptimeWindow } from '../../../contracts/uptime';
import type { DailyBar, HeartbeatJson, LatencyAssertion, MonitorJson, MonitorStatus, Phase } from '../../../contracts/monitors';

export { ROLES, SCOPES } from '../../../contracts/auth';
export type { DashboardMonitor, DashboardSnapshot, HeartbeatEvent, MonitorStatusEvent } from '../../../contracts/events';
export type { InvitationPreview, LatencyAssertion, MonitorJson, MonitorStatus, Phase, Role, Scope, SessionInfo };
export type ApiKey = ApiKeyInfo;
export type Invitation = InvitationJson;
export type Member = MemberJson;
export type Problem = ProblemJson;
export type User = UserJson;

/** A monitor's alert settings (`alerts`): its own, or its organization's default. */
export type MonitorAlerts = PolicyJson;

/** GET /orgs/:org/alert-defaults: what applies to monitors without settings of their own. */
export type AlertDefaults = AlertPolicy;

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

/** What each role may do, in a sentence. */
export const ROLE_HELP: Record<Role, string> = {
  owner: 'Everything, including owners and deleting the organization',
  admin: 'Everything inside the organization except owners',
  member: 'Sees everything; changes monitors only if the organization allows it',
};

/** "an admin", "a member". */
export const withArticle = (role: Role) => `${role === 'owner' || role === 'admin' ? 'an' : 'a'} ${role}`;

export type Instance = InstanceJson;

export interface OrgRef {
  id: string;
  name: string;
  role: Role;
}

export interface Me {
  user: User;
  orgs: OrgRef[];
}

/** An organization as GET /orgs answers it, with the caller's role (null for a key). */
export type Org = OrgJson & { role: Role | null };

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

export type AuditEntry = AuditJson;

export interface Probe {
  id: string;
  version: string;
  title: string;
  description: string;
  configSchema: Record<string, unknown>;
  /** Labels of its results' metadata keys (`fingerprint256` → "SHA-256 fingerprint"). */
  metadataLabels?: Record<string, string>;
}

export type Heartbeat = HeartbeatJson;

export type DailyUptime = DailyBar;

/** What POST …/check answers: the result of an immediate run, recorded like a scheduled one. */
export type CheckResult = Heartbeat;

export type Uptime = Partial<Record<UptimeWindow, number | null>>;

