/** The alert_states table: one row per monitor, locked while a decision about it is made. */
import type { EntityManager } from '@mikro-orm/postgresql';
import { row, rows, run } from '../db/sql.js';
import { EMPTY_STATE, type AlertState } from './decide.js';

interface Row {
  status: string;
  changed_at: string | Date;
  down_key: string | null;
  down_at: string | Date | null;
  reminders: number;
  next_reminder_at: string | Date | null;
  recent_changes: Array<string | Date>;
  flapping_since: string | Date | null;
  cert_days_sent: number | null;
}

const ms = (v: string | Date) => new Date(v).getTime();
const msOrNull = (v: string | Date | null) => (v === null ? null : ms(v));
const date = (v: number | null) => (v === null ? null : new Date(v));

function fromRow(r: Row): AlertState {
  return {
    status: r.status,
    changedAt: ms(r.changed_at),
    downKey: r.down_key,
    downAt: msOrNull(r.down_at),
    reminders: r.reminders,
    nextReminderAt: msOrNull(r.next_reminder_at),
    recentChanges: r.recent_changes.map(ms),
    flappingSince: msOrNull(r.flapping_since),
    certDaysSent: r.cert_days_sent,
  };
}

// timestamptz[] comes back from pg as a string unless cast: read it as JSON.
const COLUMNS = `status, changed_at, down_key, down_at, reminders, next_reminder_at,
  coalesce((SELECT json_agg(t ORDER BY t) FROM unnest(recent_changes) t), '[]'::json) AS recent_changes,
  flapping_since, cert_days_sent`;

/**
 * The monitor's state, its row locked until the transaction ends; created on first use.
 * Undefined when the monitor no longer exists.
 */
export async function lockState(em: EntityManager, monitorId: string): Promise<AlertState | undefined> {
  const found = await row<Row>(em, `SELECT ${COLUMNS} FROM alert_states WHERE monitor_id = ? FOR UPDATE`, [monitorId]);
  if (found) return fromRow(found);
  const inserted = await run(
    em,
    `INSERT INTO alert_states (monitor_id, status, changed_at)
     SELECT id, ?, ? FROM monitors WHERE id = ? ON CONFLICT (monitor_id) DO NOTHING`,
    [EMPTY_STATE.status, new Date(EMPTY_STATE.changedAt), monitorId],
  );
  const again = await row<Row>(em, `SELECT ${COLUMNS} FROM alert_states WHERE monitor_id = ? FOR UPDATE`, [monitorId]);
  if (!again && inserted === 0) return undefined;
  return again && fromRow(again);
}

export async function saveState(em: EntityManager, monitorId: string, s: AlertState, now: number): Promise<void> {
  await run(
    em,
    `UPDATE alert_states SET status = ?, changed_at = ?, down_key = ?, down_at = ?, reminders = ?, next_reminder_at = ?,
       recent_changes = ARRAY(SELECT (json_array_elements_text(?::json))::timestamptz), flapping_since = ?, cert_days_sent = ?, updated_at = ?
     WHERE monitor_id = ?`,
    [
      s.status,
      new Date(s.changedAt),
      s.downKey,
      date(s.downAt),
      s.reminders,
      date(s.nextReminderAt),
      JSON.stringify(s.recentChanges.map((t) => new Date(t).toISOString())),
      date(s.flappingSince),
      s.certDaysSent,
      new Date(now),
      monitorId,
    ],
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
  const found = await rows<{ monitor_id: string; org_id: string }>(
    em,
    `SELECT s.monitor_id, m.org_id FROM alert_states s JOIN monitors m ON m.id = s.monitor_id
     WHERE (s.next_reminder_at IS NOT NULL AND s.next_reminder_at <= ?)
        OR s.flapping_since IS NOT NULL
        OR (s.status = 'down' AND s.down_key IS NULL)
     ORDER BY s.next_reminder_at NULLS LAST LIMIT ?`,
    [new Date(now), limit],
  );
  return found.map((r) => ({ monitorId: r.monitor_id, orgId: r.org_id }));
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
  const found = await rows<{ id: string; org_id: string; status: string; status_since: string | Date; status_reason: string | null; seen: string | null }>(
    em,
    `SELECT m.id, m.org_id, m.status, m.status_since, m.status_reason, s.status AS seen
     FROM monitors m LEFT JOIN alert_states s ON s.monitor_id = m.id
     WHERE s.monitor_id IS NULL OR m.status_since > s.changed_at
     ORDER BY m.status_since LIMIT ?`,
    [limit],
  );
  return found.map((r) => ({
    monitorId: r.id,
    orgId: r.org_id,
    status: r.status,
    since: new Date(r.status_since).toISOString(),
    reason: r.status_reason,
    ...(r.seen ? { seen: r.seen } : {}),
  }));
}

/** A monitor's name and current reason, for the facts of an alert. */
export async function monitorFacts(em: EntityManager, monitorId: string): Promise<{ name: string; reason: string | null } | undefined> {
  const r = await row<{ name: string; status_reason: string | null }>(em, 'SELECT name, status_reason FROM monitors WHERE id = ?', [monitorId]);
  return r && { name: r.name, reason: r.status_reason };
}

/** 'CODE: message' → {code, message}. */
export function parseReason(text: string | null): { code: string; message: string } | null {
  if (!text) return null;
  const i = text.indexOf(': ');
  return i > 0 ? { code: text.slice(0, i), message: text.slice(i + 2) } : { code: 'UNKNOWN', message: text };
}
