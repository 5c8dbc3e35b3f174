/**
 * The delivery outbox. Rows are written with a unique idempotency key (ON CONFLICT DO NOTHING), so
 * writing the same announcement twice, from a retry or another process, queues it once. A worker
 * claims due rows with FOR UPDATE SKIP LOCKED and a lease: a row whose worker died becomes due
 * again when the lease passes; a finished row is never claimed again.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { iso, row, rows, run, textArray } from '../db/sql.js';
import type { AlertEvent, AlertFacts, SendResult } from './sdk.js';

export type DeliveryState = 'pending' | 'sending' | 'delivered' | 'failed';

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

interface Row {
  id: string;
  org_id: string;
  monitor_id: string | null;
  channel_id: string | null;
  subscriber_id: string | null;
  event: AlertEvent;
  facts: AlertFacts;
  attempts: number;
  claim_id: string | null;
}

const fromRow = (r: Row): OutboxRow => ({
  id: r.id,
  orgId: r.org_id,
  monitorId: r.monitor_id,
  channelId: r.channel_id,
  subscriberId: r.subscriber_id,
  event: r.event,
  facts: r.facts,
  attempts: r.attempts,
  claimId: r.claim_id,
});

export interface Announcement {
  /** Unique per announcement (state change + event, incident update…); the target id is appended. */
  key: string;
  orgId: string;
  monitorId?: string | null;
  facts: AlertFacts;
}

/**
 * Queues `a` for each of the org's enabled channels among `channelIds`. Answers the number of
 * rows written (0 when they were already there).
 */
export async function enqueueForChannels(em: EntityManager, a: Announcement, channelIds: readonly string[], now: number): Promise<number> {
  if (channelIds.length === 0) return 0;
  return run(
    em,
    `INSERT INTO alert_outbox (id, idempotency_key, org_id, monitor_id, channel_id, event, facts, next_attempt_at, created_at)
     SELECT gen_random_uuid(), ? || ':' || c.id::text, c.org_id, ?, c.id, ?, ?::jsonb, ?, ?
     FROM notification_channels c
     WHERE c.org_id = ? AND c.enabled AND c.id = ANY(?::uuid[])
     ON CONFLICT (idempotency_key) DO NOTHING`,
    [a.key, a.monitorId ?? null, a.facts.event, JSON.stringify(a.facts), new Date(now), new Date(now), a.orgId, textArray(channelIds)],
  );
}

/** Queues `a` for each subscriber id given (already filtered by page, components and confirmation). */
export async function enqueueForSubscribers(em: EntityManager, a: Announcement, subscriberIds: readonly string[], now: number): Promise<number> {
  if (subscriberIds.length === 0) return 0;
  return run(
    em,
    `INSERT INTO alert_outbox (id, idempotency_key, org_id, subscriber_id, event, facts, next_attempt_at, created_at)
     SELECT gen_random_uuid(), ? || ':' || s.id::text, ?, s.id, ?, ?::jsonb, ?, ?
     FROM status_subscribers s WHERE s.id = ANY(?::uuid[])
     ON CONFLICT (idempotency_key) DO NOTHING`,
    [a.key, a.orgId, a.facts.event, JSON.stringify(a.facts), new Date(now), new Date(now), textArray(subscriberIds)],
  );
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
  const found = await rows<Row>(
    em,
    `WITH due AS (
       SELECT o.id, o.seq, row_number() OVER (PARTITION BY coalesce(o.channel_id, o.subscriber_id) ORDER BY o.seq) AS n,
              coalesce(o.channel_id, o.subscriber_id)::text AS k
       FROM alert_outbox o
       WHERE ((o.state = 'pending' AND o.next_attempt_at <= ?) OR (o.state = 'sending' AND o.lease_until <= ?))
         -- One monitor's alerts reach a target in order: a recovery never overtakes its down.
         AND NOT EXISTS (
           SELECT 1 FROM alert_outbox e
           WHERE coalesce(e.channel_id, e.subscriber_id) = coalesce(o.channel_id, o.subscriber_id)
             AND e.monitor_id IS NOT DISTINCT FROM o.monitor_id
             AND e.state IN ('pending', 'sending') AND e.seq < o.seq)
     ), candidates AS (
       SELECT id FROM due WHERE n <= ? - coalesce((?::jsonb ->> k)::int, 0)
       ORDER BY seq LIMIT ?
     ), locked AS (
       SELECT o.id FROM alert_outbox o WHERE o.id IN (SELECT id FROM candidates)
         AND ((o.state = 'pending' AND o.next_attempt_at <= ?) OR (o.state = 'sending' AND o.lease_until <= ?))
       FOR UPDATE SKIP LOCKED
     )
     UPDATE alert_outbox o SET state = 'sending', claim_id = ?, lease_until = ?, attempts = o.attempts + 1, last_attempt_at = ?
     FROM locked WHERE o.id = locked.id
     RETURNING o.id, o.org_id, o.monitor_id, o.channel_id, o.subscriber_id, o.event, o.facts, o.attempts, o.claim_id`,
    [now, now, o.perTarget, JSON.stringify(Object.fromEntries(o.busy)), o.limit, now, now, o.claimId, new Date(o.now + o.leaseMs), now],
  );
  return found.map(fromRow);
}

/** Records a successful send. Ignored when the claim was lost (the lease passed and another worker took it). */
export async function markDelivered(em: EntityManager, r: OutboxRow, result: SendResult, now: number): Promise<boolean> {
  return (
    (await run(
      em,
      `UPDATE alert_outbox SET state = 'delivered', delivered_at = ?, lease_until = NULL, last_status = ?, last_error = NULL
       WHERE id = ? AND claim_id = ? AND state = 'sending'`,
      [new Date(now), result.status ?? null, r.id, r.claimId],
    )) > 0
  );
}

/** Records a failed send: due again at `retryAt`, or failed for good when it is null. */
export async function markFailed(em: EntityManager, r: OutboxRow, result: SendResult, retryAt: number | null): Promise<boolean> {
  const error = JSON.stringify(result.error ?? { code: 'SEND_FAILED', message: 'The send failed' });
  return (
    (await run(
      em,
      `UPDATE alert_outbox SET state = ?, next_attempt_at = coalesce(?, next_attempt_at), lease_until = NULL,
         last_error = ?::jsonb, last_status = ?
       WHERE id = ? AND claim_id = ? AND state = 'sending'`,
      [retryAt === null ? 'failed' : 'pending', retryAt === null ? null : new Date(retryAt), error, result.status ?? null, r.id, r.claimId],
    )) > 0
  );
}

/** Finished rows older than `before` (epoch ms) go; the delivery log keeps the rest. */
export async function purgeFinished(em: EntityManager, before: number): Promise<number> {
  return run(em, `DELETE FROM alert_outbox WHERE state IN ('delivered', 'failed') AND created_at < ?`, [new Date(before)]);
}

export interface DeliveryJson {
  id: string;
  /** ISO 8601 UTC of the last attempt, or of queueing when none was made yet. */
  at: string;
  channelId: string | null;
  event: AlertEvent;
  state: DeliveryState;
  ok: boolean;
  attempts: number;
  /** Present when the last attempt failed. */
  error?: { code: string; message: string };
  /** 1, 2, … when this `monitor.down` is a reminder of an ongoing outage. */
  reminder?: number;
  /** When this `monitor.degraded` warns of a certificate: whole days it had left. */
  certificateDaysLeft?: number;
}

/** A monitor's delivery log, newest first. */
export async function deliveryLog(em: EntityManager, monitorId: string, limit: number): Promise<DeliveryJson[]> {
  const found = await rows<{
    id: string;
    at: string | Date;
    channel_id: string | null;
    event: AlertEvent;
    state: DeliveryState;
    attempts: number;
    last_error: { code: string; message: string } | null;
    reminder: number | null;
    days_left: number | null;
  }>(
    em,
    `SELECT id, coalesce(delivered_at, last_attempt_at, created_at) AS at, channel_id, event, state, attempts, last_error,
            (facts->>'reminder')::int AS reminder, (facts->>'certificateDaysLeft')::int AS days_left
     FROM alert_outbox WHERE monitor_id = ? ORDER BY seq DESC LIMIT ?`,
    [monitorId, limit],
  );
  return found.map((r) => ({
    id: r.id,
    at: iso(r.at)!,
    channelId: r.channel_id,
    event: r.event,
    state: r.state,
    ok: r.state === 'delivered',
    attempts: r.attempts,
    ...(r.last_error && r.state !== 'delivered' ? { error: r.last_error } : {}),
    ...(r.reminder !== null ? { reminder: r.reminder } : {}),
    ...(r.days_left !== null ? { certificateDaysLeft: r.days_left } : {}),
  }));
}

/** One row as stored (tests and tools). */
export async function outboxRow(em: EntityManager, id: string) {
  return row<{ state: DeliveryState; attempts: number; last_error: unknown }>(em, 'SELECT state, attempts, last_error FROM alert_outbox WHERE id = ?', [id]);
}
