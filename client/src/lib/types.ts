/**
 * Shapes of the REST answers the dashboard reads (API.md). Those the server also speaks come from
 * contracts/ under the dashboard's names; the rest are the dashboard's own views of an answer.
 */
import type { AlertPolicy, ChannelJson, DeliveryJson, PolicyJson } from '../../../contracts/alerting';
import type { ApiKeyInfo, AuditJson, InvitationJson, InvitationPreview, IssuedInvitation, MeJson, MemberJson, OrgRef, OrgWithRole, SessionInfo, SignedUpJson, UserJson } from '../../../contracts/accounts';
import type { PluginInfo, ProbeInfo } from '../../../contracts/plugins';
import type { Role, Scope } from '../../../contracts/auth';
import type { ProblemJson } from '../../../contracts/events';
import type { InstanceJson } from '../../../contracts/instance';
import type { DailyBar, HeartbeatJson, LatencyAssertion, MonitorJson, MonitorStatus, MonitorWithAlerts, Phase, UptimeJson } from '../../../contracts/monitors';

export { ROLES, SCOPES } from '../../../contracts/auth';
export type { DashboardMonitor, DashboardSnapshot, HeartbeatEvent, MonitorStatusEvent } from '../../../contracts/events';
export type { InvitationPreview, IssuedInvitation, LatencyAssertion, MonitorJson, MonitorStatus, MonitorWithAlerts, OrgRef, Phase, Role, Scope, SessionInfo };
export type ApiKey = ApiKeyInfo;
export type Invitation = InvitationJson;
export type Member = MemberJson;
export type Problem = ProblemJson;
export type User = UserJson;

/** A monitor's alert settings (`alerts`): its own, or its organization's default. */
export type MonitorAlerts = PolicyJson;

/** GET /orgs/:org/alert-defaults: what applies to monitors without settings of their own. */
export type AlertDefaults = AlertPolicy;

/** What the monitor screens read of a notification channel (GET /orgs/:org/notification-channels). */
export type NotificationChannel = Pick<ChannelJson, 'id' | 'name' | 'notifier' | 'enabled'>;

/** One entry of GET /orgs/:org/monitors/:id/alerts: an alert to one channel and how its delivery went. */
export type AlertDelivery = DeliveryJson;

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

export type Uptime = UptimeJson;

