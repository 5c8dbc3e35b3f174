/**
 * Alert policies: a monitor's own, else its org's default, else NO_POLICY. A monitor's policy
 * with no channels is an explicit "never alert", not a fallback to the default.
 */
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { row, rows, run, textArray } from '../../db/sql.js';
import { NO_POLICY, type AlertPolicyInput } from './schema.js';
import type { AlertPolicy } from '../../../contracts/alerting.js';

interface Row {
  id: string;
  monitor_id: string | null;
  remind_every_minutes: number | null;
  on_degraded: boolean;
  flap_changes: number;
  flap_window_minutes: number;
  channel_ids: string[];
}

const SELECT = `
  SELECT p.id, p.monitor_id, p.remind_every_minutes, p.on_degraded, p.flap_changes, p.flap_window_minutes,
         coalesce(array(SELECT pc.channel_id::text FROM alert_policy_channels pc WHERE pc.policy_id = p.id ORDER BY pc.channel_id), '{}') AS channel_ids
  FROM alert_policies p`;

function fromRow(r: Row): AlertPolicy {
  return {
    channelIds: r.channel_ids,
    remindEveryMinutes: r.remind_every_minutes,
    onDegraded: r.on_degraded,
    flapping: { changes: r.flap_changes, windowMinutes: r.flap_window_minutes },
  };
}

/** The monitor's own policy, or undefined when it follows the org default. */
export async function ownPolicy(em: EntityManager, orgId: string, monitorId: string): Promise<AlertPolicy | undefined> {
  const r = await row<Row>(em, `${SELECT} WHERE p.org_id = ? AND p.monitor_id = ?`, [orgId, monitorId]);
  return r && fromRow(r);
}

export async function orgDefault(em: EntityManager, orgId: string): Promise<AlertPolicy | undefined> {
  const r = await row<Row>(em, `${SELECT} WHERE p.org_id = ? AND p.monitor_id IS NULL`, [orgId]);
  return r && fromRow(r);
}

/** The policy in force for a monitor, and whether it is the org's default. */
export async function effectivePolicy(em: EntityManager, orgId: string, monitorId: string): Promise<{ policy: AlertPolicy; inherited: boolean }> {
  const found = await rows<Row>(em, `${SELECT} WHERE p.org_id = ? AND (p.monitor_id = ? OR p.monitor_id IS NULL) ORDER BY p.monitor_id NULLS LAST`, [orgId, monitorId]);
  const first = found[0];
  if (!first) return { policy: NO_POLICY, inherited: true };
  return { policy: fromRow(first), inherited: first.monitor_id === null };
}

/** Every policy of the org: the default (key null) and each monitor's own. */
export async function orgPolicies(em: EntityManager, orgId: string): Promise<Map<string | null, AlertPolicy>> {
  const found = await rows<Row>(em, `${SELECT} WHERE p.org_id = ?`, [orgId]);
  return new Map(found.map((r) => [r.monitor_id, fromRow(r)]));
}

/** Channel ids among `ids` that are not channels of this org. */
export async function foreignChannels(em: EntityManager, orgId: string, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const known = await rows<{ id: string }>(em, 'SELECT id FROM notification_channels WHERE org_id = ? AND id = ANY(?::uuid[])', [orgId, textArray(ids)]);
  const set = new Set(known.map((k) => k.id));
  return ids.filter((id) => !set.has(id));
}

/** Stores a monitor's policy (monitorId) or the org default (null). Channels must be checked first. */
export async function putPolicy(em: EntityManager, orgId: string, monitorId: string | null, p: AlertPolicyInput): Promise<AlertPolicy> {
  const values = [p.remindEveryMinutes, p.onDegraded, p.flapping.changes, p.flapping.windowMinutes];
  const conflict = monitorId === null ? '(org_id) WHERE monitor_id IS NULL' : '(monitor_id) WHERE monitor_id IS NOT NULL';
  const saved = await row<{ id: string }>(
    em,
    `INSERT INTO alert_policies (id, org_id, monitor_id, remind_every_minutes, on_degraded, flap_changes, flap_window_minutes)
     VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT ${conflict} DO UPDATE SET remind_every_minutes = EXCLUDED.remind_every_minutes, on_degraded = EXCLUDED.on_degraded,
       flap_changes = EXCLUDED.flap_changes, flap_window_minutes = EXCLUDED.flap_window_minutes, updated_at = now()
     RETURNING id`,
    [randomUUID(), orgId, monitorId, ...values],
  );
  const id = saved!.id;
  const channelIds = [...new Set(p.channelIds)];
  await run(em, 'DELETE FROM alert_policy_channels WHERE policy_id = ?', [id]);
  if (channelIds.length) {
    await run(em, 'INSERT INTO alert_policy_channels (policy_id, channel_id) SELECT ?, unnest(?::uuid[])', [id, textArray(channelIds)]);
  }
  return { channelIds: [...channelIds].sort(), remindEveryMinutes: p.remindEveryMinutes, onDegraded: p.onDegraded, flapping: p.flapping };
}

/** The monitor follows the org default again. */
export async function removePolicy(em: EntityManager, orgId: string, monitorId: string): Promise<void> {
  await run(em, 'DELETE FROM alert_policies WHERE org_id = ? AND monitor_id = ?', [orgId, monitorId]);
}

/**
 * Adds a channel to the org's default policy (the one every monitor without its own follows),
 * making that policy with NO_POLICY's settings when the org has none yet.
 */
export async function addToDefault(em: EntityManager, orgId: string, channelId: string): Promise<void> {
  const f = NO_POLICY;
  const saved = await row<{ id: string }>(
    em,
    `INSERT INTO alert_policies (id, org_id, monitor_id, remind_every_minutes, on_degraded, flap_changes, flap_window_minutes)
     VALUES (?, ?, NULL, ?, ?, ?, ?)
     ON CONFLICT (org_id) WHERE monitor_id IS NULL DO UPDATE SET updated_at = now()
     RETURNING id`,
    [randomUUID(), orgId, f.remindEveryMinutes, f.onDegraded, f.flapping.changes, f.flapping.windowMinutes],
  );
  await run(em, 'INSERT INTO alert_policy_channels (policy_id, channel_id) VALUES (?, ?) ON CONFLICT DO NOTHING', [saved!.id, channelId]);
}

/** Takes a channel out of the org's default policy (monitors' own policies keep it). */
export async function removeFromDefault(em: EntityManager, orgId: string, channelId: string): Promise<void> {
  await run(
    em,
    `DELETE FROM alert_policy_channels pc USING alert_policies p
     WHERE pc.policy_id = p.id AND p.org_id = ? AND p.monitor_id IS NULL AND pc.channel_id = ?`,
    [orgId, channelId],
  );
}

/** The org's channels in its default policy. */
export async function defaultChannelIds(em: EntityManager, orgId: string): Promise<Set<string>> {
  const found = await rows<{ channel_id: string }>(
    em,
    `SELECT pc.channel_id FROM alert_policy_channels pc JOIN alert_policies p ON p.id = pc.policy_id
     WHERE p.org_id = ? AND p.monitor_id IS NULL`,
    [orgId],
  );
  return new Set(found.map((r) => r.channel_id));
}
