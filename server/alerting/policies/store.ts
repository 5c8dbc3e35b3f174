/**
 * Alert policies: a monitor's own, else its org's default, else NO_POLICY. A monitor's policy
 * with no channels is an explicit "never alert", not a fallback to the default.
 */
import { randomUUID } from 'node:crypto';
import { QueryOrder, raw, type EntityManager } from '@mikro-orm/postgresql';
import { AlertPolicy as AlertPolicyEntity, AlertPolicyChannel, NotificationChannel, type AlertPolicyRow } from '../entities.js';
import { NO_POLICY, type AlertPolicyInput } from '../../../contracts/alerting-requests.js';
import type { AlertPolicy } from '../../../contracts/alerting.js';

/** A stored policy, its channels beside it (sorted by id, as uuids sort). */
function toPolicy(p: AlertPolicyRow, channelIds: string[]): AlertPolicy {
  return {
    channelIds,
    remindEveryMinutes: p.remindEveryMinutes ?? null,
    onDegraded: p.onDegraded,
    flapping: { changes: p.flapChanges, windowMinutes: p.flapWindowMinutes },
  };
}

/** The channel ids of each policy, in one query. */
async function channelsOf(em: EntityManager, policyIds: readonly string[]): Promise<Map<string, string[]>> {
  const byPolicy = new Map<string, string[]>(policyIds.map((id) => [id, []]));
  if (policyIds.length === 0) return byPolicy;
  const links = await em.find(AlertPolicyChannel, { policy: { $in: [...policyIds] } }, { orderBy: { channel: QueryOrder.ASC }, disableIdentityMap: true });
  for (const l of links) byPolicy.get(l.policy.id)?.push(l.channel.id);
  return byPolicy;
}

async function withChannels(em: EntityManager, found: AlertPolicyRow[]): Promise<AlertPolicy[]> {
  const channels = await channelsOf(em, found.map((p) => p.id));
  return found.map((p) => toPolicy(p, channels.get(p.id) ?? []));
}

/** The monitor's own policy, or undefined when it follows the org default. */
export async function ownPolicy(em: EntityManager, orgId: string, monitorId: string): Promise<AlertPolicy | undefined> {
  const p = await em.findOne(AlertPolicyEntity, { org: orgId, monitor: monitorId }, { disableIdentityMap: true });
  return p ? (await withChannels(em, [p]))[0] : undefined;
}

export async function orgDefault(em: EntityManager, orgId: string): Promise<AlertPolicy | undefined> {
  const p = await em.findOne(AlertPolicyEntity, { org: orgId, monitor: null }, { disableIdentityMap: true });
  return p ? (await withChannels(em, [p]))[0] : undefined;
}

/** The policy in force for a monitor, and whether it is the org's default. */
export async function effectivePolicy(em: EntityManager, orgId: string, monitorId: string): Promise<{ policy: AlertPolicy; inherited: boolean }> {
  const first = await em.findOne(
    AlertPolicyEntity,
    { org: orgId, $or: [{ monitor: monitorId }, { monitor: null }] },
    { orderBy: { monitor: QueryOrder.ASC_NULLS_LAST }, disableIdentityMap: true },
  );
  if (!first) return { policy: NO_POLICY, inherited: true };
  return { policy: (await withChannels(em, [first]))[0]!, inherited: first.monitor == null };
}

/** Every policy of the org: the default (key null) and each monitor's own. */
export async function orgPolicies(em: EntityManager, orgId: string): Promise<Map<string | null, AlertPolicy>> {
  const found = await em.find(AlertPolicyEntity, { org: orgId }, { disableIdentityMap: true });
  const policies = await withChannels(em, found);
  return new Map(found.map((p, i) => [p.monitor?.id ?? null, policies[i]!]));
}

/** Channel ids among `ids` that are not channels of this org. */
export async function foreignChannels(em: EntityManager, orgId: string, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const known = await em.find(NotificationChannel, { org: orgId, id: { $in: [...ids] } }, { fields: ['id'], disableIdentityMap: true });
  const set = new Set(known.map((k) => k.id));
  return ids.filter((id) => !set.has(id));
}

/**
 * Writes the monitor's policy (monitorId) or the org default (null) with these settings, or
 * updates the one there (each unique index: one per monitor, one default per org): its
 * settings when `update`, its time in any case. Answers its id.
 */
async function upsertPolicy(em: EntityManager, orgId: string, monitorId: string | null, s: Omit<AlertPolicy, 'channelIds'>, update: boolean): Promise<string> {
  const conflict = monitorId === null ? '(org_id) WHERE monitor_id IS NULL' : '(monitor_id) WHERE monitor_id IS NOT NULL';
  const saved = await em
    .createQueryBuilder(AlertPolicyEntity)
    .insert({
      id: randomUUID(),
      org: orgId,
      monitor: monitorId,
      remindEveryMinutes: s.remindEveryMinutes,
      onDegraded: s.onDegraded,
      flapChanges: s.flapping.changes,
      flapWindowMinutes: s.flapping.windowMinutes,
    })
    .onConflict(raw(conflict))
    // EXCLUDED is the row proposed, updated_at its default now().
    .merge(update ? ['remindEveryMinutes', 'onDegraded', 'flapChanges', 'flapWindowMinutes', 'updatedAt'] : ['updatedAt'])
    .returning('id')
    .execute('run');
  return saved.insertId;
}

/** Stores a monitor's policy (monitorId) or the org default (null). Channels must be checked first. */
export async function putPolicy(em: EntityManager, orgId: string, monitorId: string | null, p: AlertPolicyInput): Promise<AlertPolicy> {
  const id = await upsertPolicy(em, orgId, monitorId, p, true);
  const channelIds = [...new Set(p.channelIds)];
  await em.nativeDelete(AlertPolicyChannel, { policy: id });
  if (channelIds.length) await em.insertMany(AlertPolicyChannel, channelIds.map((channel) => ({ policy: id, channel })));
  return { channelIds: [...channelIds].sort(), remindEveryMinutes: p.remindEveryMinutes, onDegraded: p.onDegraded, flapping: p.flapping };
}

/** The monitor follows the org default again. */
export async function removePolicy(em: EntityManager, orgId: string, monitorId: string): Promise<void> {
  await em.nativeDelete(AlertPolicyEntity, { org: orgId, monitor: monitorId });
}

/**
 * Adds a channel to the org's default policy (the one every monitor without its own follows),
 * making that policy with NO_POLICY's settings when the org has none yet.
 */
export async function addToDefault(em: EntityManager, orgId: string, channelId: string): Promise<void> {
  const id = await upsertPolicy(em, orgId, null, NO_POLICY, false);
  await em.createQueryBuilder(AlertPolicyChannel).insert({ policy: id, channel: channelId }).onConflict().ignore().execute('run');
}

/** Takes a channel out of the org's default policy (monitors' own policies keep it). */
export async function removeFromDefault(em: EntityManager, orgId: string, channelId: string): Promise<void> {
  await em.nativeDelete(AlertPolicyChannel, { channel: channelId, policy: { org: orgId, monitor: null } });
}

/** The org's channels in its default policy. */
export async function defaultChannelIds(em: EntityManager, orgId: string): Promise<Set<string>> {
  const found = await em.find(AlertPolicyChannel, { policy: { org: orgId, monitor: null } }, { disableIdentityMap: true });
  return new Set(found.map((l) => l.channel.id));
}
