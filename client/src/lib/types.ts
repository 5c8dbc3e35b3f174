/**
 * Shapes of the REST answers the dashboard reads (API.md). Those the server also speaks come from
 * contracts/ under the dashboard's names; the rest are the dashboard's own views of an answer.
 */
import type { AlertPolicy, PolicyJson } from '../../../contracts/alerting';
import type { ApiKeyInfo, AuditJson, InvitationJson, InvitationPreview, IssuedInvitation, MeJson, MemberJson, OrgRef, OrgWithRole, SessionInfo, SignedUpJson, UserJson } from '../../../contracts/accounts';
import type { PluginInfo, ProbeInfo } from '../../../contracts/plugins';
import type { Role, Scope } from '../../../contracts/auth';
import type { ProblemJson } from '../../../contracts/events';
import type { InstanceJson } from '../../../contracts/instance';
import type { UptimeWindow } from '../../../contracts/uptime';
import type { DailyBar, HeartbeatJson, LatencyAssertion, MonitorJson, MonitorStatus, Phase } from '../../../contracts/monitors';

export { ROLES, SCOPES } from '../../../contracts/auth';
export type { DashboardMonitor, DashboardSnapshot, HeartbeatEvent, MonitorStatusEvent } from '../../../contracts/events';
export type { InvitationPreview, IssuedInvitation, LatencyAssertion, MonitorJson, MonitorStatus, OrgRef, Phase, Role, Scope, SessionInfo };
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

/** GET /auth/me. */
export type Me = MeJson;

/** An organization as GET /orgs/:org answers it, with the caller's role (null for a key). */
export type Org = OrgWithRole;

/** What POST /auth/signup answers (the session cookie comes with it). */
export type SignedUp = SignedUpJson;

export type AuditEntry = AuditJson;

/** A probe or notifier type with its config as JSON Schema (GET /probes, GET /notifiers). */
export type Plugin = PluginInfo;

/** GET /probes: a probe type, with the labels of its results' metadata. */
export type Probe = ProbeInfo;

export type Heartbeat = HeartbeatJson;

export type DailyUptime = DailyBar;

/** What POST …/check answers: the result of an immediate run, recorded like a scheduled one. */
export type CheckResult = Heartbeat;

export type Uptime = Partial<Record<UptimeWindow, number | null>>;

