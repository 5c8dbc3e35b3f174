/**
 * What to tell people about a monitor, decided from what alerting already told them (the alert
 * state) and the policy. Pure: the caller loads and stores the state under a row lock and turns
 * the decisions into outbox rows. Times are epoch milliseconds.
 *
 * - down: one alert per outage, after the evaluator confirmed it (its retries already ran).
 * - up: only when a down alert went out; the recovery is sent even in maintenance, since it
 *   closes something people were told.
 * - reminders: every N minutes while down (not pending after a maintenance window), not in
 *   maintenance, not while flapping.
 * - flapping: more than K changes within M minutes sends one flapping alert, then down/up are
 *   held ("flap damping") until the monitor has had no status change for the quiet window
 *   (quietWindowMs: the flap window). Damping ends at the first look after that: the sweep
 *   settles (down if still down, up if a down had gone out), and a change that comes after a
 *   quiet window is decided as a fresh one, so a later outage alerts at once. Only changes
 *   people are told about count: up ⇄ degraded is no flap unless the policy alerts on degraded.
 * - degraded: optional; certificate warnings go by days-left thresholds, each once.
 * - maintenance ("quiet"): no down, degraded, flapping or reminder alerts.
 */
import type { AlertEvent, AlertFacts } from './sdk.js';
import { CERT_THRESHOLDS, type AlertPolicy } from '../../contracts/alerting.js';

export interface AlertState {
  /** The last status alerting saw. */
  status: string;
  /** When that status began. */
  changedAt: number;
  /** The state change whose down alert went out and has not been answered by a recovery. */
  downKey: string | null;
  /** When that outage began. */
  downAt: number | null;
  /** Reminders sent for downKey. */
  reminders: number;
  nextReminderAt: number | null;
  /** Times of the changes inside the flap window, oldest first. */
  recentChanges: number[];
  /** Set while flapping. */
  flappingSince: number | null;
  /** Lowest days-left threshold alerted for the current certificate. */
  certDaysSent: number | null;
}

export const EMPTY_STATE: AlertState = {
  status: 'pending',
  changedAt: 0,
  downKey: null,
  downAt: null,
  reminders: 0,
  nextReminderAt: null,
  recentChanges: [],
  flappingSince: null,
  certDaysSent: null,
};

/** A monitor status change as the evaluator announces it. */
export interface StateChange {
  monitorId: string;
  orgId: string;
  status: string;
  previous: string;
  /** ISO 8601 time the new status began. */
  since: string;
  reason: { code: string; message: string } | null;
}

/** An alert to queue: its key is unique for the announcement; facts get the monitor filled in. */
export interface Decision {
  key: string;
  event: AlertEvent;
  facts: Omit<AlertFacts, 'monitor'>;
}

export interface Outcome {
  state: AlertState;
  alerts: Decision[];
}

const iso = (ms: number) => new Date(ms).toISOString();
const MINUTE = 60_000;

/** The id of a state change: the same change seen twice (retry, catch-up, another node) has the same key. */
export const changeKey = (monitorId: string, at: number, status: string) => `${monitorId}:${at}:${status}`;

/** Statuses whose changes between each other count as flaps (not pending, paused, maintenance). */
const FLAPPABLE = new Set(['up', 'degraded', 'down']);

/**
 * Whether a change between two flappable statuses is one people could be told about: down and
 * back always; up ⇄ degraded only when the policy alerts on degraded (otherwise a monitor that
 * hovers around a latency warning would damp its real outages).
 */
const alertable = (from: string, to: string, policy: AlertPolicy) => from === 'down' || to === 'down' || policy.onDegraded;

/** Flap damping ends once the monitor has had no status change for this long (ms): the flap window. */
export const quietWindowMs = (policy: AlertPolicy) => policy.flapping.windowMinutes * MINUTE;

/** The state with flap damping over: the changes counted so far no longer count. */
const undamped = (s: AlertState): AlertState => ({ ...s, flappingSince: null, recentChanges: [] });

const nextReminder = (downAt: number, policy: AlertPolicy, reminders: number) =>
  policy.remindEveryMinutes ? downAt + (reminders + 1) * policy.remindEveryMinutes * MINUTE : null;

function downAlert(key: string, at: number, previous: string | undefined, reason: StateChange['reason']): Decision {
  return {
    key: `${key}:monitor.down`,
    event: 'monitor.down',
    facts: { event: 'monitor.down', at: iso(at), status: 'down', ...(previous ? { previous } : {}), reason, downSince: iso(at) },
  };
}

function upAlert(key: string, at: number, s: AlertState, status: string, previous: string): Decision {
  return {
    key: `${key}:monitor.up`,
    event: 'monitor.up',
    facts: { event: 'monitor.up', at: iso(at), status, previous, reason: null, ...(s.downAt !== null ? { downSince: iso(s.downAt) } : {}) },
  };
}

const openDown = (s: AlertState, key: string, at: number, policy: AlertPolicy): AlertState => ({
  ...s,
  downKey: key,
  downAt: at,
  reminders: 0,
  nextReminderAt: nextReminder(at, policy, 0),
});

const closeDown = (s: AlertState): AlertState => ({ ...s, downKey: null, downAt: null, reminders: 0, nextReminderAt: null });

/** A status change. Undefined when it is older than what was already seen, or the same change again. */
export function decideChange(prev: AlertState, c: StateChange, policy: AlertPolicy, quiet: boolean): Outcome | undefined {
  const at = Date.parse(c.since);
  if (at < prev.changedAt || (at === prev.changedAt && c.status === prev.status)) return undefined;
  const key = changeKey(c.monitorId, at, c.status);
  const window = policy.flapping.windowMinutes * MINUTE;
  // Quiet for the whole window before this change: damping is over whether or not a sweep saw it.
  const before = prev.flappingSince !== null && at - prev.changedAt >= quietWindowMs(policy) ? undamped(prev) : prev;
  const flap = FLAPPABLE.has(c.status) && FLAPPABLE.has(before.status) && alertable(before.status, c.status, policy);
  const recent = [...before.recentChanges.filter((t) => t > at - window), ...(flap ? [at] : [])];
  let state: AlertState = { ...before, status: c.status, changedAt: at, recentChanges: recent };
  const alerts: Decision[] = [];

  if (c.status === 'paused') {
    // Paused by someone who knows: the outage is closed without a recovery message.
    return { state: { ...closeDown(state), recentChanges: [], flappingSince: null }, alerts };
  }
  if (state.flappingSince === null && recent.length > policy.flapping.changes) {
    state = { ...state, flappingSince: at };
    if (!quiet) {
      alerts.push({
        key: `${key}:monitor.flapping`,
        event: 'monitor.flapping',
        facts: { event: 'monitor.flapping', at: iso(at), status: c.status, previous: c.previous, reason: c.reason, flapping: { ...policy.flapping } },
      });
    }
  }
  if (state.flappingSince !== null) return { state, alerts };

  if (c.status === 'down' && !prev.downKey) {
    if (!quiet) {
      alerts.push(downAlert(key, at, c.previous, c.reason));
      state = openDown(state, key, at, policy);
    }
  } else if ((c.status === 'up' || c.status === 'degraded') && prev.downKey) {
    alerts.push(upAlert(key, at, prev, c.status, c.previous));
    state = closeDown(state);
  } else if (c.status === 'degraded' && policy.onDegraded && !quiet && c.reason?.code !== 'CERT_EXPIRING') {
    // Certificate warnings go by days-left thresholds (decideCertificate), not by status change.
    alerts.push({ key: `${key}:monitor.degraded`, event: 'monitor.degraded', facts: { event: 'monitor.degraded', at: iso(at), status: c.status, previous: c.previous, reason: c.reason } });
  }
  return { state, alerts };
}

/**
 * What the periodic sweep does for one monitor at `now`: end flapping once stable and settle,
 * send a down that maintenance or flapping held back, send reminders that fell due.
 */
export function decideSweep(prev: AlertState, monitorId: string, policy: AlertPolicy, quiet: boolean, now: number, reason: StateChange['reason']): Outcome | undefined {
  let state = prev;
  const alerts: Decision[] = [];
  if (state.flappingSince !== null) {
    if (now - state.changedAt < quietWindowMs(policy)) return undefined;
    state = undamped(state);
  }
  const key = changeKey(monitorId, state.changedAt, state.status);
  if (state.status === 'down' && !state.downKey && !quiet) {
    // Held back by maintenance or flapping: sent now, so reminders count from now.
    alerts.push(downAlert(key, state.changedAt, undefined, reason));
    state = openDown(state, key, state.changedAt, policy);
    state = { ...state, nextReminderAt: policy.remindEveryMinutes ? now + policy.remindEveryMinutes * MINUTE : null };
  } else if ((state.status === 'up' || state.status === 'degraded') && state.downKey) {
    alerts.push(upAlert(key, state.changedAt, state, state.status, 'down'));
    state = closeDown(state);
  }
  const downAt = state.downAt;
  if (state.downKey && downAt !== null) {
    const every = policy.remindEveryMinutes ? policy.remindEveryMinutes * MINUTE : null;
    if (every === null) {
      if (state.nextReminderAt !== null) state = { ...state, nextReminderAt: null };
    } else {
      const due = state.nextReminderAt ?? downAt + (state.reminders + 1) * every;
      if (due <= now && !alerts.length) {
        // Only while a check says down: after a maintenance window the monitor is pending until
        // its next check, and "still down" would be a guess.
        if (!quiet && state.status === 'down') {
          const n = state.reminders + 1;
          alerts.push({
            key: `${state.downKey}:reminder:${n}:monitor.down`,
            event: 'monitor.down',
            facts: { event: 'monitor.down', at: iso(now), status: 'down', previous: 'down', reason, reminder: n, downSince: iso(downAt) },
          });
          state = { ...state, reminders: n };
        }
        // The next slot on the outage's cadence that is still ahead (missed ones are not made up).
        const slots = Math.floor((now - downAt) / every) + 1;
        state = { ...state, nextReminderAt: downAt + slots * every };
      } else if (due !== state.nextReminderAt) state = { ...state, nextReminderAt: due };
    }
  }
  return state === prev ? undefined : { state, alerts };
}

/** The lowest threshold `daysLeft` is at or under, or null when above them all. */
export function certThreshold(daysLeft: number): number | null {
  const crossed = CERT_THRESHOLDS.filter((t) => daysLeft <= t);
  return crossed.length ? Math.min(...crossed) : null;
}

/** A certificate's days left, seen at `at`. */
export function decideCertificate(prev: AlertState, monitorId: string, daysLeft: number, at: number, policy: AlertPolicy, quiet: boolean): Outcome | undefined {
  const threshold = certThreshold(daysLeft);
  // Above every threshold again: renewed. The next certificate starts over.
  if (threshold === null) return prev.certDaysSent === null ? undefined : { state: { ...prev, certDaysSent: null }, alerts: [] };
  if (prev.certDaysSent !== null && prev.certDaysSent <= threshold) return undefined;
  if (!policy.onDegraded || quiet) return undefined;
  const message = daysLeft < 0 ? 'The certificate has expired' : `The certificate expires in ${daysLeft} day${daysLeft === 1 ? '' : 's'}`;
  return {
    state: { ...prev, certDaysSent: threshold },
    alerts: [
      {
        key: `${monitorId}:cert:${at}:${threshold}:monitor.degraded`,
        event: 'monitor.degraded',
        facts: { event: 'monitor.degraded', at: iso(at), status: prev.status, reason: { code: 'CERT_EXPIRING', message }, certificateDaysLeft: daysLeft },
      },
    ],
  };
}
