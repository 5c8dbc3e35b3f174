/** The alert_states table: one row per monitor, locked while a decision about it is made. */
import { LockMode, QueryOrder, type EntityManager } from '@mikro-orm/postgresql';
import { Monitor } from '../monitors/entities.js';
import { EMPTY_STATE, type AlertState } from './decide.js';
import { AlertState as AlertStateEntity, type AlertStateRow } from './entities.js';

const msOrNull = (v: Date | null | undefined) => (v == null ? null : v.getTime());
const date = (v: number | null) => (v === null ? null : new Date(v));

function toState(s: AlertStateRow): AlertState {
  return {
    status: s.status,
    changedAt: s.changedAt.getTime(),
    downKey: s.downKey ?? null,
    downAt: msOrNull(s.downAt),
    reminders: s.reminders,
    nextReminderAt: msOrNull(s.nextReminderAt),
    recentChanges: s.recentChanges.map((d) => d.getTime()).sort((a, b) => a - b),
    flappingSince: msOrNull(s.flappingSince),
    certDaysSent: s.certDaysSent ?? null,
  };
}

/** The row, locked until the transaction ends (read past the identity map: it is the lock that counts). */
const locked = (em: EntityManager, monitorId: string) =>
  em.findOne(AlertStateEntity, { monitor: monitorId }, { lockMode: LockMode.PESSIMISTIC_WRITE, disableIdentityMap: true });

/**
 * The monitor's state, its row locked until the transaction ends; created on first use.
 * Undefined when the monitor no longer exists.
 */
export async function lockState(em: EntityManager, monitorId: string): Promise<AlertState | undefined> {
  const found = await locked(em, monitorId);
  if (found) return toState(found);
  if ((await em.count(Monitor, { id: monitorId })) === 0) return undefined;
  await em
    .createQueryBuilder(AlertStateEntity)
    .insert({ monitor: monitorId, status: EMPTY_STATE.status, changedAt: new Date(EMPTY_STATE.changedAt) })
    .onConflict('monitor')
    .ignore()
    .execute('run');
  const again = await locked(em, monitorId);
  return again ? toState(again) : undefined;
}

export async function saveState(em: EntityManager, monitorId: string, s: AlertState, now: number): Promise<void> {
  await em.nativeUpdate(
    AlertStateEntity,
    { monitor: monitorId },
    {
      status: s.status,
      changedAt: new Date(s.changedAt),
      downKey: s.downKey,
      downAt: date(s.downAt),
      reminders: s.reminders,
      nextReminderAt: date(s.nextReminderAt),
      recentChanges: s.recentChanges.map((t) => new Date(t)),
      flappingSince: date(s.flappingSince),
      certDaysSent: s.certDaysSent,
      updatedAt: new Date(now),
    },
  );
}

export interface SweepCandidate {
  monitorId: string;
  orgId: string;
}

/**
 * Monitors the sweep should look at now: a reminder due, flapping (maybe stable by now), or
 * down with no down alert sent (held back by maintenance or flapping).
 */
export async function sweepCandidates(em: EntityManager, now: number, limit: number): Promise<SweepCandidate[]> {
  const found = await em.find(
    AlertStateEntity,
    { $or: [{ nextReminderAt: { $ne: null, $lte: new Date(now) } }, { flappingSince: { $ne: null } }, { status: 'down', downKey: null }] },
    { populate: ['monitor'], fields: ['monitor.org'], orderBy: { nextReminderAt: QueryOrder.ASC_NULLS_LAST }, limit, disableIdentityMap: true },
  );
  return found.map((s) => ({ monitorId: s.monitor.id, orgId: s.monitor.org.id }));
}

export interface StoredStatus {
  monitorId: string;
  orgId: string;
  status: string;
  /** ISO 8601. */
  since: string;
  /** 'CODE: message' of the check that set the status. */
  reason: string | null;
  /** The status alerting last saw; undefined when it never saw this monitor. */
  seen?: string;
}

/**
 * Monitors whose stored status is newer than what alerting saw: a change whose event was lost
 * (a crash between the write and the alert, a failed transaction). The catch-up replays them.
 */
export async function unseenChanges(em: EntityManager, limit: number): Promise<StoredStatus[]> {
  // No state at all, or one older than the status (monitor_id is the state's key: one at most).
  const found = await em
    .createQueryBuilder(Monitor, 'm')
    .select(['m.id', 'm.org', 'm.status', 'm.statusSince', 'm.statusReason'])
    .where('NOT EXISTS (SELECT 1 FROM alert_states s WHERE s.monitor_id = m.id AND m.status_since <= s.changed_at)')
    .orderBy({ statusSince: QueryOrder.ASC })
    .limit(limit)
    .getResultList();
  if (found.length === 0) return [];
  const seen = await em.find(AlertStateEntity, { monitor: { $in: found.map((m) => m.id) } }, { fields: ['status'], disableIdentityMap: true });
  const seenBy = new Map(seen.map((s) => [s.monitor.id, s.status]));
  return found.map((m) => {
    const status = seenBy.get(m.id);
    return {
      monitorId: m.id,
      orgId: m.org.id,
      status: m.status,
      since: m.statusSince.toISOString(),
      reason: m.statusReason ?? null,
      ...(status ? { seen: status } : {}),
    };
  });
}

/** A monitor's name and current reason, for the facts of an alert. */
export async function monitorFacts(em: EntityManager, monitorId: string): Promise<{ name: string; reason: string | null } | undefined> {
  const m = await em.findOne(Monitor, { id: monitorId }, { fields: ['name', 'statusReason'], disableIdentityMap: true });
  return m ? { name: m.name, reason: m.statusReason ?? null } : undefined;
}

/** 'CODE: message' → {code, message}. */
export function parseReason(text: string | null): { code: string; message: string } | null {
  if (!text) return null;
  const i = text.indexOf(': ');
  return i > 0 ? { code: text.slice(0, i), message: text.slice(i + 2) } : { code: 'UNKNOWN', message: text };
}
