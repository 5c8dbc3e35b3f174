/**
 * The delivery outbox. Rows are written with a unique idempotency key (ON CONFLICT DO NOTHING), so
 * writing the same announcement twice, from a retry or another process, queues it once. A worker
 * claims due rows with FOR UPDATE SKIP LOCKED and a lease: a row whose worker died becomes due
 * again when the lease passes; a finished row is never claimed again.
 */
import { randomUUID } from 'node:crypto';
import { raw, type EntityManager } from '@mikro-orm/postgresql';
import { AlertOutbox, NotificationChannel, StatusSubscriber, type AlertOutboxRow } from './entities.js';
import type { AlertEvent, AlertFacts, SendResult } from './sdk.js';
import type { DeliveryJson, DeliveryState } from '../../contracts/alerting.js';

export interface OutboxRow {
  id: string;
  orgId: string;
  monitorId: string | null;
  channelId: string | null;
  subscriberId: string | null;
  event: AlertEvent;
  facts: AlertFacts;
  /** Sends started, this one included once claimed. */
  attempts: number;
  claimId: string | null;
}

const toOutboxRow = (r: AlertOutboxRow): OutboxRow => ({
  id: r.id,
  orgId: r.org.id,
  monitorId: r.monitor?.id ?? null,
  channelId: r.channel?.id ?? null,
  subscriberId: r.subscriber?.id ?? null,
  event: r.event,
  facts: r.facts,
  attempts: r.attempts,
  claimId: r.claimId ?? null,
});

export interface Announcement {
  /** Unique per announcement (state change + event, incident update…); the target id is appended. */
  key: string;
  orgId: string;
  monitorId?: string | null;
  facts: AlertFacts;
}

/** One row per target, `a.key` and the target id its idempotency key; a row already there is kept. */
async function enqueue(
  em: EntityManager,
  a: Announcement,
  targets: ReadonlyArray<{ channel: string } | { subscriber: string }>,
  now: number,
): Promise<number> {
  if (targets.length === 0) return 0;
  const at = new Date(now);
  const written = await em
    .createQueryBuilder(AlertOutbox)
    .insert(
      targets.map((t) => ({
        id: randomUUID(),
        idempotencyKey: `${a.key}:${'channel' in t ? t.channel : t.subscriber}`,
        org: a.orgId,
        // A channel's alert is about a monitor; a subscriber's notice about a page.
        monitor: 'channel' in t ? (a.monitorId ?? null) : null,
        channel: 'channel' in t ? t.channel : null,
        subscriber: 'subscriber' in t ? t.subscriber : null,
        event: a.facts.event,
        facts: a.facts,
        nextAttemptAt: at,
        createdAt: at,
      })),
    )
    .onConflict('idempotencyKey')
    .ignore()
    .execute('run');
  return written.affectedRows;
}

/**
 * Queues `a` for each of the org's enabled channels among `channelIds`. Answers the number of
 * rows written (0 when they were already there).
 */
export async function enqueueForChannels(em: EntityManager, a: Announcement, channelIds: readonly string[], now: number): Promise<number> {
  if (channelIds.length === 0) return 0;
  const channels = await em.find(NotificationChannel, { org: a.orgId, enabled: true, id: { $in: [...new Set(channelIds)] } }, { fields: ['id'], disableIdentityMap: true });
  return enqueue(em, a, channels.map((c) => ({ channel: c.id })), now);
}

/** Queues `a` for each subscriber id given (already filtered by page, components and confirmation). */
export async function enqueueForSubscribers(em: EntityManager, a: Announcement, subscriberIds: readonly string[], now: number): Promise<number> {
  if (subscriberIds.length === 0) return 0;
  // Those still there (one may have left since it was chosen).
  const subscribers = await em.find(StatusSubscriber, { id: { $in: [...new Set(subscriberIds)] } }, { fields: ['id'], disableIdentityMap: true });
  return enqueue(em, a, subscribers.map((s) => ({ subscriber: s.id })), now);
}

export interface ClaimOptions {
  /** Epoch ms. */
  now: number;
  /** Rows to claim at most (free global slots). */
  limit: number;
  /** Sends at once per channel or subscriber. */
  perTarget: number;
  /** Sends in flight in this process per target key, to subtract from perTarget. */
  busy: ReadonlyMap<string, number>;
  /** Milliseconds a claim holds the row. */
  leaseMs: number;
  claimId: string;
}

/** The key concurrency is counted by: the channel, or the subscriber. */
export const targetKey = (r: Pick<OutboxRow, 'channelId' | 'subscriberId'>) => r.channelId ?? r.subscriberId ?? '';

/**
 * Claims due rows: pending ones whose time came, and sending ones whose lease ran out (their
 * worker died). At most `perTarget` minus what is busy here per target, in queue order, and
 * never a row while an earlier one for the same target and monitor is unfinished.
 */
export async function claimDue(em: EntityManager, o: ClaimOptions): Promise<OutboxRow[]> {
  if (o.limit <= 0) return [];
  const now = new Date(o.now);
  const isDue = { $or: [{ state: 'pending' as const, nextAttemptAt: { $lte: now } }, { state: 'sending' as const, leaseUntil: { $lte: now } }] };
  // Each due row with its place in its target's queue (n) and the target (k).
  const due = em
    .createQueryBuilder(AlertOutbox, 'o')
    .select(['o.id', 'o.seq', raw('row_number() OVER (PARTITION BY coalesce(o.channel_id, o.subscriber_id) ORDER BY o.seq) AS n'), raw('coalesce(o.channel_id, o.subscriber_id)::text AS k')])
    .where(isDue)
    // One monitor's alerts reach a target in order: a recovery never overtakes its down.
    .andWhere(
      `NOT EXISTS (SELECT 1 FROM alert_outbox e
         WHERE coalesce(e.channel_id, e.subscriber_id) = coalesce(o.channel_id, o.subscriber_id)
           AND e.monitor_id IS NOT DISTINCT FROM o.monitor_id
           AND e.state IN ('pending', 'sending') AND e.seq < o.seq)`,
    );
  // At most perTarget minus what is busy here per target, the oldest first.
  const candidates = em
    .createQueryBuilder(AlertOutbox, 'd')
    .from(due, 'd')
    .select('d.id')
    .where('d.n <= ? - coalesce((?::jsonb ->> d.k)::int, 0)', [o.perTarget, JSON.stringify(Object.fromEntries(o.busy))])
    .orderBy({ seq: 'asc' })
    .limit(o.limit);
  // Still due once locked; a row another worker holds is skipped, not waited for.
  const free = em
    .createQueryBuilder(AlertOutbox, 'l')
    .select('l.id')
    .where({ id: { $in: candidates.getKnexQuery() } })
    .andWhere(isDue)
    .getKnexQuery()
    .forUpdate()
    .skipLocked();
  const claimed = await em
    .createQueryBuilder(AlertOutbox)
    .update({ state: 'sending', claimId: o.claimId, leaseUntil: new Date(o.now + o.leaseMs), attempts: raw('attempts + 1'), lastAttemptAt: now })
    .where({ id: { $in: free } })
    .execute('run');
  if (claimed.affectedRows === 0) return [];
  // The claim id is new with each claim: it names exactly the rows just taken.
  const found = await em.find(AlertOutbox, { claimId: o.claimId }, { orderBy: { seq: 'asc' }, disableIdentityMap: true });
  return found.map(toOutboxRow);
}

/** Records a successful send. Ignored when the claim was lost (the lease passed and another worker took it). */
export async function markDelivered(em: EntityManager, r: OutboxRow, result: SendResult, now: number): Promise<boolean> {
  if (r.claimId === null) return false;
  const n = await em.nativeUpdate(
    AlertOutbox,
    { id: r.id, claimId: r.claimId, state: 'sending' },
    { state: 'delivered', deliveredAt: new Date(now), leaseUntil: null, lastStatus: result.status ?? null, lastError: null },
  );
  return n > 0;
}

/** Records a failed send: due again at `retryAt`, or failed for good when it is null. */
export async function markFailed(em: EntityManager, r: OutboxRow, result: SendResult, retryAt: number | null): Promise<boolean> {
  if (r.claimId === null) return false;
  const n = await em.nativeUpdate(
    AlertOutbox,
    { id: r.id, claimId: r.claimId, state: 'sending' },
    {
      state: retryAt === null ? 'failed' : 'pending',
      ...(retryAt === null ? {} : { nextAttemptAt: new Date(retryAt) }),
      leaseUntil: null,
      lastError: result.error ?? { code: 'SEND_FAILED', message: 'The send failed' },
      lastStatus: result.status ?? null,
    },
  );
  return n > 0;
}

/** Finished rows older than `before` (epoch ms) go; the delivery log keeps the rest. */
export async function purgeFinished(em: EntityManager, before: number): Promise<number> {
  return em.nativeDelete(AlertOutbox, { state: { $in: ['delivered', 'failed'] }, createdAt: { $lt: new Date(before) } });
}

/** A monitor's delivery log, newest first. */
export async function deliveryLog(em: EntityManager, monitorId: string, limit: number): Promise<DeliveryJson[]> {
  const found = await em.find(
    AlertOutbox,
    { monitor: monitorId },
    { orderBy: { seq: 'desc' }, limit, fields: ['channel', 'event', 'state', 'attempts', 'lastError', 'facts', 'deliveredAt', 'lastAttemptAt', 'createdAt'], disableIdentityMap: true },
  );
  return found.map((r) => ({
    id: r.id,
    at: (r.deliveredAt ?? r.lastAttemptAt ?? r.createdAt).toISOString(),
    channelId: r.channel?.id ?? null,
    event: r.event,
    state: r.state,
    ok: r.state === 'delivered',
    attempts: r.attempts,
    ...(r.lastError && r.state !== 'delivered' ? { error: r.lastError } : {}),
    ...(r.facts.reminder != null ? { reminder: r.facts.reminder } : {}),
    ...(r.facts.certificateDaysLeft != null ? { certificateDaysLeft: r.facts.certificateDaysLeft } : {}),
  }));
}

/** One row as stored (tests and tools). */
export async function outboxRow(em: EntityManager, id: string): Promise<{ state: DeliveryState; attempts: number; last_error: unknown } | undefined> {
  const r = await em.findOne(AlertOutbox, { id }, { fields: ['state', 'attempts', 'lastError'], disableIdentityMap: true });
  return r ? { state: r.state, attempts: r.attempts, last_error: r.lastError ?? null } : undefined;
}
