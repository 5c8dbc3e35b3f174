/** The notification_channels table. Every org-facing query filters by org. */
import { LockMode, raw, type EntityManager } from '@mikro-orm/postgresql';
import { AlertOutbox, NotificationChannel, type NotificationChannelRow } from '../entities.js';
import type { Template } from '../../../contracts/alerting-requests.js';
import type { LastDelivery } from '../../../contracts/alerting.js';

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

const toChannel = (c: NotificationChannelRow): Channel => ({
  id: c.id,
  orgId: c.org.id,
  name: c.name,
  notifier: c.notifier,
  config: c.config,
  signingSecret: c.signingSecret ?? null,
  template: c.template ?? null,
  enabled: c.enabled,
  createdAt: c.createdAt,
  updatedAt: c.updatedAt,
});

/** The latest finished delivery of each channel that has one: one index lookup per channel. */
export async function lastDeliveries(em: EntityManager, channelIds: readonly string[]): Promise<Map<string, LastDelivery>> {
  if (!channelIds.length) return new Map();
  // For each channel, its newest delivered or failed row (alert_outbox_channel_finished_idx) …
  const newest = em
    .createQueryBuilder(AlertOutbox, 'l')
    .select('l.id')
    .where('l.channel_id = c.id')
    .andWhere({ state: { $in: ['delivered', 'failed'] } })
    .orderBy({ seq: 'desc' })
    .limit(1);
  const ids = em
    .createQueryBuilder(NotificationChannel, 'c')
    .select(raw('x.id'))
    .innerJoinLateral(newest, 'x', { 'x.id': { $ne: null } })
    .where({ id: { $in: [...new Set(channelIds)] } });
  // … read whole, by those ids.
  const found = await em
    .createQueryBuilder(AlertOutbox, 'o')
    .select(['o.id', 'o.channel', 'o.state', 'o.event', 'o.deliveredAt', 'o.lastAttemptAt', 'o.createdAt', 'o.lastError'])
    .where({ id: { $in: ids.getKnexQuery() } })
    .getResultList();
  return new Map(
    found.map((d) => [
      d.channel!.id,
      {
        at: (d.deliveredAt ?? d.lastAttemptAt ?? d.createdAt).toISOString(),
        ok: d.state === 'delivered',
        event: d.event,
        ...(d.state === 'failed' && d.lastError ? { error: d.lastError } : {}),
      },
    ]),
  );
}

export async function listChannels(em: EntityManager, orgId: string): Promise<Channel[]> {
  return (await em.find(NotificationChannel, { org: orgId }, { orderBy: { createdAt: 'asc', id: 'asc' } })).map(toChannel);
}

/** By id alone: the delivery worker's lookup (the outbox row already names the org). */
export async function channelById(em: EntityManager, id: string): Promise<Channel | undefined> {
  const c = await em.findOne(NotificationChannel, { id });
  return c ? toChannel(c) : undefined;
}

export async function findChannel(em: EntityManager, orgId: string, id: string, forUpdate = false): Promise<Channel | undefined> {
  const c = await em.findOne(NotificationChannel, { org: orgId, id }, forUpdate ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {});
  return c ? toChannel(c) : undefined;
}

export type NewChannel = Pick<Channel, 'id' | 'orgId' | 'name' | 'notifier' | 'config' | 'signingSecret' | 'template' | 'enabled'> & { createdBy: string | null };

export async function insertChannel(em: EntityManager, c: NewChannel): Promise<Channel> {
  await em.insert(NotificationChannel, {
    id: c.id,
    org: c.orgId,
    name: c.name,
    notifier: c.notifier,
    config: c.config,
    signingSecret: c.signingSecret,
    template: c.template,
    enabled: c.enabled,
    createdBy: c.createdBy,
  });
  // Read back for the times the database gave it.
  return toChannel(await em.findOneOrFail(NotificationChannel, { id: c.id }, { refresh: true }));
}

export type ChannelChanges = Partial<Pick<Channel, 'name' | 'config' | 'signingSecret' | 'template' | 'enabled'>>;

export async function updateChannel(em: EntityManager, orgId: string, id: string, c: ChannelChanges): Promise<Channel> {
  await em.nativeUpdate(NotificationChannel, { org: orgId, id }, { ...c, updatedAt: raw('now()') });
  // The caller may hold this channel already (locked): refresh, not the identity map's copy.
  return toChannel(await em.findOneOrFail(NotificationChannel, { org: orgId, id }, { refresh: true }));
}

/** Deletes a channel; its undelivered alerts are marked failed (the delivery log keeps them). */
export async function deleteChannel(em: EntityManager, orgId: string, id: string): Promise<boolean> {
  await em.nativeUpdate(
    AlertOutbox,
    { channel: id, org: orgId, state: { $in: ['pending', 'sending'] } },
    { state: 'failed', claimId: null, leaseUntil: null, lastError: { code: 'CHANNEL_DELETED', message: 'The channel was deleted before delivery' } },
  );
  return (await em.nativeDelete(NotificationChannel, { org: orgId, id })) > 0;
}
