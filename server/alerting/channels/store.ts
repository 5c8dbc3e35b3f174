/** The notification_channels table. Every org-facing query filters by org_id. */
import type { EntityManager } from '@mikro-orm/postgresql';
import { iso, row, rows, run, textArray } from '../../db/sql.js';
import type { Template } from '../templates.js';

export interface Channel {
  id: string;
  orgId: string;
  name: string;
  /** Notifier plugin id. */
  notifier: string;
  /** The plugin's config as validated, secrets included: never leaves the server unmasked. */
  config: Record<string, unknown>;
  /** HMAC key of signed notifiers; null for the others. */
  signingSecret: string | null;
  template: Template | null;
  enabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

interface Row {
  id: string;
  org_id: string;
  name: string;
  notifier: string;
  config: Record<string, unknown>;
  signing_secret: string | null;
  template: Template | null;
  enabled: boolean;
  created_at: string | Date;
  updated_at: string | Date;
}

const COLUMNS = 'id, org_id, name, notifier, config, signing_secret, template, enabled, created_at, updated_at';

const fromRow = (r: Row): Channel => ({
  id: r.id,
  orgId: r.org_id,
  name: r.name,
  notifier: r.notifier,
  config: r.config,
  signingSecret: r.signing_secret,
  template: r.template,
  enabled: r.enabled,
  createdAt: new Date(r.created_at),
  updatedAt: new Date(r.updated_at),
});

/** How a channel's latest finished delivery went (tests sent from the dashboard are not kept). */
export interface LastDelivery {
  /** ISO 8601: when it was delivered, or when the last attempt failed. */
  at: string;
  ok: boolean;
  /** e.g. `monitor.down`, `incident.updated`. */
  event: string;
  error?: { code: string; message: string };
}

/** The latest finished delivery of each channel that has one: one index lookup per channel. */
export async function lastDeliveries(em: EntityManager, channelIds: readonly string[]): Promise<Map<string, LastDelivery>> {
  if (!channelIds.length) return new Map();
  const found = await rows<{ channel_id: string; state: string; event: string; at: Date | string; last_error: { code: string; message: string } | null }>(
    em,
    `SELECT c.id AS channel_id, d.state, d.event, d.at, d.last_error
     FROM unnest(?::uuid[]) AS c(id)
     CROSS JOIN LATERAL (
       SELECT state, event, coalesce(delivered_at, last_attempt_at, created_at) AS at, last_error
       FROM alert_outbox o WHERE o.channel_id = c.id AND o.state IN ('delivered', 'failed')
       ORDER BY o.seq DESC LIMIT 1
     ) d`,
    [textArray(channelIds)],
  );
  return new Map(
    found.map((r) => [
      r.channel_id,
      { at: iso(r.at)!, ok: r.state === 'delivered', event: r.event, ...(r.state === 'failed' && r.last_error ? { error: r.last_error } : {}) },
    ]),
  );
}

export async function listChannels(em: EntityManager, orgId: string): Promise<Channel[]> {
  return (await rows<Row>(em, `SELECT ${COLUMNS} FROM notification_channels WHERE org_id = ? ORDER BY created_at, id`, [orgId])).map(fromRow);
}

/** By id alone: the delivery worker's lookup (the outbox row already names the org). */
export async function channelById(em: EntityManager, id: string): Promise<Channel | undefined> {
  const r = await row<Row>(em, `SELECT ${COLUMNS} FROM notification_channels WHERE id = ?`, [id]);
  return r && fromRow(r);
}

export async function findChannel(em: EntityManager, orgId: string, id: string, forUpdate = false): Promise<Channel | undefined> {
  const r = await row<Row>(em, `SELECT ${COLUMNS} FROM notification_channels WHERE org_id = ? AND id = ?${forUpdate ? ' FOR UPDATE' : ''}`, [orgId, id]);
  return r && fromRow(r);
}

export type NewChannel = Pick<Channel, 'id' | 'orgId' | 'name' | 'notifier' | 'config' | 'signingSecret' | 'template' | 'enabled'> & { createdBy: string | null };

export async function insertChannel(em: EntityManager, c: NewChannel): Promise<Channel> {
  const r = await row<Row>(
    em,
    `INSERT INTO notification_channels (id, org_id, name, notifier, config, signing_secret, template, enabled, created_by)
     VALUES (?, ?, ?, ?, ?::jsonb, ?, ?::jsonb, ?, ?) RETURNING ${COLUMNS}`,
    [c.id, c.orgId, c.name, c.notifier, JSON.stringify(c.config), c.signingSecret, c.template ? JSON.stringify(c.template) : null, c.enabled, c.createdBy],
  );
  return fromRow(r!);
}

export type ChannelChanges = Partial<Pick<Channel, 'name' | 'config' | 'signingSecret' | 'template' | 'enabled'>>;

export async function updateChannel(em: EntityManager, orgId: string, id: string, c: ChannelChanges): Promise<Channel> {
  const sets = ['updated_at = now()'];
  const params: unknown[] = [];
  if (c.name !== undefined) sets.push('name = ?'), params.push(c.name);
  if (c.config !== undefined) sets.push('config = ?::jsonb'), params.push(JSON.stringify(c.config));
  if (c.signingSecret !== undefined) sets.push('signing_secret = ?'), params.push(c.signingSecret);
  if (c.template !== undefined) sets.push('template = ?::jsonb'), params.push(c.template ? JSON.stringify(c.template) : null);
  if (c.enabled !== undefined) sets.push('enabled = ?'), params.push(c.enabled);
  const r = await row<Row>(em, `UPDATE notification_channels SET ${sets.join(', ')} WHERE org_id = ? AND id = ? RETURNING ${COLUMNS}`, [...params, orgId, id]);
  return fromRow(r!);
}

/** Deletes a channel; its undelivered alerts are marked failed (the delivery log keeps them). */
export async function deleteChannel(em: EntityManager, orgId: string, id: string): Promise<boolean> {
  await run(
    em,
    `UPDATE alert_outbox SET state = 'failed', claim_id = NULL, lease_until = NULL,
       last_error = '{"code":"CHANNEL_DELETED","message":"The channel was deleted before delivery"}'::jsonb
     WHERE channel_id = ? AND org_id = ? AND state IN ('pending', 'sending')`,
    [id, orgId],
  );
  return (await run(em, 'DELETE FROM notification_channels WHERE org_id = ? AND id = ?', [orgId, id])) > 0;
}
