/** Alert policies for the API and for the monitors service (a monitor's `alerts`). */
import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit, type Actor } from '../../auth/audit.js';
import type { MonitorAlertSettings } from '../../monitors/alerts.js';
import { Monitor } from '../../monitors/entities.js';
import { AppError, notFound } from '../../errors.js';
import { alertPolicySchema, NO_POLICY, type AlertPolicyInput } from '../../../contracts/alerting-requests.js';
import * as store from './store.js';
import type { AlertPolicy, PolicyJson } from '../../../contracts/alerting.js';

export type { Actor };

async function checkMonitor(em: EntityManager, orgId: string, monitorId: string): Promise<void> {
  if ((await em.count(Monitor, { org: orgId, id: monitorId })) === 0) throw notFound('Monitor');
}

/**
 * Refuses channel ids that are not this org's: 400 VALIDATION_FAILED with `channelIds.<i>` paths
 * (prefix them, e.g. `alerts.`, when the policy is part of a larger body).
 */
export async function checkChannels(em: EntityManager, orgId: string, input: AlertPolicyInput, prefix = ''): Promise<void> {
  const foreign = new Set(await store.foreignChannels(em, orgId, input.channelIds));
  if (foreign.size === 0) return;
  const details = input.channelIds
    .map((id, i) => ({ id, i }))
    .filter(({ id }) => foreign.has(id))
    .map(({ i }) => ({ path: `${prefix}channelIds.${i}`, code: 'unknown_channel', message: 'No such notification channel in this organization' }));
  throw new AppError(400, 'VALIDATION_FAILED', 'The request is not valid', details);
}

async function effective(em: EntityManager, orgId: string, monitorId: string): Promise<PolicyJson> {
  const { policy, inherited } = await store.effectivePolicy(em, orgId, monitorId);
  return { ...policy, inherited };
}

export async function getMonitorPolicy(em: EntityManager, orgId: string, monitorId: string): Promise<PolicyJson> {
  await checkMonitor(em, orgId, monitorId);
  return effective(em, orgId, monitorId);
}

/** The policy in force for each of the org's monitors `monitorIds` (the org's policies read at once: for monitor lists). */
export async function monitorPolicies(em: EntityManager, orgId: string, monitorIds: readonly string[]): Promise<Map<string, PolicyJson>> {
  const all = await store.orgPolicies(em, orgId);
  const fallback = all.get(null) ?? NO_POLICY;
  return new Map(monitorIds.map((id) => {
    const own = all.get(id);
    return [id, own ? { ...own, inherited: false } : { ...fallback, inherited: true }];
  }));
}

/**
 * Sets a monitor's own policy; call inside the caller's transaction (e.g. the monitor's create).
 * `fieldPrefix` goes before the paths of refused channels (`alerts.` in a monitor's body).
 */
export async function putMonitorPolicy(em: EntityManager, orgId: string, monitorId: string, input: AlertPolicyInput, actor?: Actor, fieldPrefix = ''): Promise<PolicyJson> {
  await checkMonitor(em, orgId, monitorId);
  await checkChannels(em, orgId, input, fieldPrefix);
  const policy = await store.putPolicy(em, orgId, monitorId, input);
  if (actor) await recordAudit(em, { orgId, principal: actor.principal, ip: actor.ip, action: 'alert_policy.updated', target: monitorId, details: { channels: policy.channelIds.length } });
  return { ...policy, inherited: false };
}

/** The monitor follows the org default again; call inside the caller's transaction (e.g. a PATCH with `alerts: null`). */
export async function deleteMonitorPolicy(em: EntityManager, orgId: string, monitorId: string, actor?: Actor): Promise<PolicyJson> {
  await checkMonitor(em, orgId, monitorId);
  await store.removePolicy(em, orgId, monitorId);
  if (actor) await recordAudit(em, { orgId, principal: actor.principal, ip: actor.ip, action: 'alert_policy.reset', target: monitorId });
  return getMonitorPolicy(em, orgId, monitorId);
}

export async function getDefaults(em: EntityManager, orgId: string): Promise<AlertPolicy> {
  return (await store.orgDefault(em, orgId)) ?? NO_POLICY;
}

export async function putDefaults(em: EntityManager, orgId: string, input: AlertPolicyInput, actor: Actor): Promise<AlertPolicy> {
  await checkChannels(em, orgId, input);
  const policy = await store.putPolicy(em, orgId, null, input);
  await recordAudit(em, { orgId, principal: actor.principal, ip: actor.ip, action: 'alert_defaults.updated', details: { channels: policy.channelIds.length } });
  return policy;
}

/**
 * A monitor's `alerts` in the monitor API (monitors/alerts.ts): main.ts passes this to
 * monitoring, which cannot import alerting (alerting listens to it). Called with the monitor
 * already found in the org, inside its transaction when writing.
 */
export const monitorAlertSettings: MonitorAlertSettings<AlertPolicyInput, PolicyJson> = {
  schema: alertPolicySchema,
  of: effective,
  forMonitors: monitorPolicies,
  set: (em, orgId, monitorId, input, actor) => putMonitorPolicy(em, orgId, monitorId, input, actor, 'alerts.'),
  reset: deleteMonitorPolicy,
};
