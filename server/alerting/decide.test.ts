import { describe, expect, it } from 'vitest';
import { decideCertificate, decideChange, decideSweep, EMPTY_STATE, type AlertState, type StateChange } from './decide.js';
import type { AlertPolicy } from '../../contracts/alerting.js';

const M = 'monitor-1';
const MIN = 60_000;
const t0 = Date.UTC(2026, 10, 29, 12, 0, 0);
const policy: AlertPolicy = { channelIds: ['c1'], remindEveryMinutes: null, onDegraded: false, flapping: { changes: 4, windowMinutes: 30 } };
const timeout = { code: 'TIMEOUT', message: 'No answer' };

const change = (status: string, previous: string, at: number, reason: StateChange['reason'] = status === 'down' ? timeout : null): StateChange => ({
  monitorId: M,
  orgId: 'org',
  status,
  previous,
  since: new Date(at).toISOString(),
  reason,
});

/** Feeds changes in order; answers the events sent and the final state. */
function feed(steps: Array<[status: string, at: number, quiet?: boolean]>, p = policy, start: AlertState = EMPTY_STATE) {
  let state = start;
  const events: string[] = [];
  for (const [status, at, quiet] of steps) {
    const out = decideChange(state, change(status, state.status, at), p, quiet ?? false);
    if (!out) continue;
    state = out.state;
    events.push(...out.alerts.map((a) => a.event + (a.facts.status ? `:${a.facts.status}` : '')));
  }
  return { state, events };
}

describe('status changes', () => {
  it('sends one down and one up per outage, nothing for the first up', () => {
    const { events, state } = feed([
      ['up', t0],
      ['down', t0 + MIN],
      ['up', t0 + 5 * MIN],
    ]);
    expect(events).toEqual(['monitor.down:down', 'monitor.up:up']);
    expect(state.downKey).toBeNull();
  });

  it('ignores the same change seen twice, and changes older than the last', () => {
    const first = feed([['up', t0], ['down', t0 + MIN]]);
    expect(decideChange(first.state, change('down', 'up', t0 + MIN), policy, false)).toBeUndefined();
    expect(decideChange(first.state, change('up', 'pending', t0), policy, false)).toBeUndefined();
  });

  it('gives the same key to the same change, whoever decides it', () => {
    const a = decideChange(EMPTY_STATE, change('down', 'up', t0), policy, false)!;
    const b = decideChange(EMPTY_STATE, change('down', 'up', t0), policy, false)!;
    expect(a.alerts[0]!.key).toBe(b.alerts[0]!.key);
    expect(a.alerts[0]!.key).toBe(`${M}:${t0}:down:monitor.down`);
  });

  it('sends a recovery, not a degraded alert, when a down monitor comes back degraded', () => {
    const { events } = feed([['up', t0], ['down', t0 + MIN], ['degraded', t0 + 2 * MIN]], { ...policy, onDegraded: true });
    expect(events).toEqual(['monitor.down:down', 'monitor.up:degraded']);
  });

  it('sends degraded only when the policy asks, and never for certificate warnings (thresholds do)', () => {
    expect(feed([['up', t0], ['degraded', t0 + MIN]]).events).toEqual([]);
    expect(feed([['up', t0], ['degraded', t0 + MIN]], { ...policy, onDegraded: true }).events).toEqual(['monitor.degraded:degraded']);
    const cert = decideChange(feed([['up', t0]]).state, change('degraded', 'up', t0 + MIN, { code: 'CERT_EXPIRING', message: 'x' }), { ...policy, onDegraded: true }, false)!;
    expect(cert.alerts).toEqual([]);
  });

  it('stays quiet in maintenance, and sends no recovery for an outage it never announced', () => {
    expect(feed([['up', t0], ['down', t0 + MIN, true], ['up', t0 + 2 * MIN]]).events).toEqual([]);
  });

  it('closes an announced outage with a recovery even in maintenance', () => {
    expect(feed([['up', t0], ['down', t0 + MIN], ['maintenance', t0 + 2 * MIN, true], ['pending', t0 + 3 * MIN], ['up', t0 + 4 * MIN, true]]).events).toEqual([
      'monitor.down:down',
      'monitor.up:up',
    ]);
  });

  it('closes an outage silently when the monitor is paused', () => {
    expect(feed([['up', t0], ['down', t0 + MIN], ['paused', t0 + 2 * MIN], ['pending', t0 + 3 * MIN], ['up', t0 + 4 * MIN]]).events).toEqual(['monitor.down:down']);
  });
});

describe('flapping', () => {
  const flaps = (n: number, from = t0 + MIN): Array<[string, number]> => Array.from({ length: n }, (_, i) => [i % 2 === 0 ? 'down' : 'up', from + i * MIN]);

  it('sends one flapping alert after more than K changes in M minutes, then holds down/up', () => {
    const { events, state } = feed([['up', t0], ...flaps(12)]);
    expect(events.filter((e) => e.startsWith('monitor.flapping'))).toHaveLength(1);
    expect(events).toEqual(['monitor.down:down', 'monitor.up:up', 'monitor.down:down', 'monitor.up:up', 'monitor.flapping:down']);
    expect(state.flappingSince).toBe(t0 + 5 * MIN);
  });

  it('counts only changes inside the window', () => {
    const slow: Array<[string, number]> = Array.from({ length: 10 }, (_, i) => [i % 2 === 0 ? 'down' : 'up', t0 + (i + 1) * 20 * MIN]);
    expect(feed([['up', t0], ...slow]).events.filter((e) => e.startsWith('monitor.flapping'))).toHaveLength(0);
  });

  it('settles once stable for M minutes: the held down goes out', () => {
    const { state } = feed([['up', t0], ...flaps(11)]); // ends down
    const last = t0 + 11 * MIN;
    expect(decideSweep(state, M, policy, false, last + 29 * MIN, timeout)).toBeUndefined();
    const out = decideSweep(state, M, policy, false, last + 30 * MIN, timeout)!;
    expect(out.alerts.map((a) => a.event)).toEqual(['monitor.down']);
    expect(out.state.flappingSince).toBeNull();
    expect(out.state.downKey).not.toBeNull();
  });

  it('settles once stable up: a recovery for the down that went out before flapping', () => {
    const k3 = { ...policy, flapping: { changes: 3, windowMinutes: 30 } };
    const { state, events } = feed([['up', t0], ...flaps(12)], k3); // flapping from the 4th change, an up: the 3rd, a down, is open
    expect(events).toEqual(['monitor.down:down', 'monitor.up:up', 'monitor.down:down', 'monitor.flapping:up']);
    expect(state.downKey).not.toBeNull();
    const out = decideSweep(state, M, k3, false, t0 + 12 * MIN + 30 * MIN, null)!;
    expect(out.alerts.map((a) => a.event)).toEqual(['monitor.up']);
    expect(out.state.downKey).toBeNull();
  });
});

describe('the end of flap damping', () => {
  const flaps = (n: number, from = t0 + MIN): Array<[string, number]> => Array.from({ length: n }, (_, i) => [i % 2 === 0 ? 'down' : 'up', from + i * MIN]);

  it('ends with the first change after a quiet window, sweep or not: a later outage alerts at once', () => {
    const { state } = feed([['up', t0], ...flaps(12)]); // flapping, ends up at t0 + 12 min
    expect(state.flappingSince).not.toBeNull();
    const later = t0 + 12 * MIN + 30 * MIN; // no sweep ran in between
    const out = decideChange(state, change('down', 'up', later), policy, false)!;
    expect(out.alerts.map((a) => a.event)).toEqual(['monitor.down']);
    expect(out.state.flappingSince).toBeNull();
    expect(out.state.recentChanges).toEqual([later]);
  });

  it('still holds a change inside the quiet window', () => {
    const { state } = feed([['up', t0], ...flaps(12)]);
    const out = decideChange(state, change('down', 'up', t0 + 12 * MIN + 29 * MIN), policy, false)!;
    expect(out.alerts).toEqual([]);
    expect(out.state.flappingSince).toBe(state.flappingSince);
  });

  it('counts up ⇄ degraded as flaps only when degraded alerts: hovering near a warning damps no outage', () => {
    const hover: Array<[string, number]> = Array.from({ length: 30 }, (_, i) => [i % 2 === 0 ? 'degraded' : 'up', t0 + (i + 1) * MIN]);
    const quietly = feed([['up', t0], ...hover, ['down', t0 + 31 * MIN]]);
    expect(quietly.events).toEqual(['monitor.down:down']);
    const told = feed([['up', t0], ...hover, ['down', t0 + 31 * MIN]], { ...policy, onDegraded: true });
    expect(told.events.filter((e) => e.startsWith('monitor.flapping'))).toHaveLength(1);
    expect(told.events).not.toContain('monitor.down:down');
  });
});

describe('reminders', () => {
  const remind = { ...policy, remindEveryMinutes: 10 };

  it('come at the set cadence while down, numbered, and stop with the recovery', () => {
    let { state } = feed([['up', t0], ['down', t0]], remind);
    const sent: number[] = [];
    for (let minute = 1; minute <= 35; minute++) {
      const out = decideSweep(state, M, remind, false, t0 + minute * MIN, timeout);
      if (!out) continue;
      state = out.state;
      for (const a of out.alerts) sent.push(a.facts.reminder!);
      if (out.alerts.length) expect(minute % 10).toBe(0);
    }
    expect(sent).toEqual([1, 2, 3]);
    const up = decideChange(state, change('up', 'down', t0 + 36 * MIN), remind, false)!;
    expect(up.state.nextReminderAt).toBeNull();
  });

  it('skip maintenance without making up for it', () => {
    const { state } = feed([['up', t0], ['down', t0]], remind);
    const quiet = decideSweep(state, M, remind, true, t0 + 10 * MIN, timeout)!;
    expect(quiet.alerts).toEqual([]);
    expect(quiet.state.nextReminderAt).toBe(t0 + 20 * MIN);
    const next = decideSweep(quiet.state, M, remind, false, t0 + 20 * MIN, timeout)!;
    expect(next.alerts.map((a) => a.facts.reminder)).toEqual([1]);
  });

  it('wait after a maintenance window until a check says the monitor is still down', () => {
    // Down and announced, then a window (the monitor reports `maintenance`), then `pending` until its next check.
    let { state } = feed([['up', t0], ['down', t0]], remind);
    const sent: string[] = [];
    const at: Record<number, [string, boolean]> = { 5: ['maintenance', true], 35: ['pending', false], 48: ['down', false] };
    for (let minute = 1; minute <= 60; minute++) {
      const step = at[minute];
      if (step) {
        const out = decideChange(state, change(step[0], state.status, t0 + minute * MIN), remind, step[1]);
        if (out) state = out.state;
        expect(out?.alerts ?? []).toEqual([]); // the same outage: no second down
      }
      const out = decideSweep(state, M, remind, state.status === 'maintenance', t0 + minute * MIN, timeout);
      if (!out) continue;
      state = out.state;
      for (const a of out.alerts) sent.push(`${a.facts.reminder}@${minute}`);
    }
    expect(sent).toEqual(['1@50', '2@60']);
  });

  it('send a down that maintenance held back once it is over', () => {
    const { state } = feed([['up', t0], ['down', t0, true]], remind);
    expect(decideSweep(state, M, remind, true, t0 + 5 * MIN, timeout)).toBeUndefined();
    const out = decideSweep(state, M, remind, false, t0 + 60 * MIN, timeout)!;
    expect(out.alerts.map((a) => a.event)).toEqual(['monitor.down']);
    expect(out.state.nextReminderAt).toBe(t0 + 70 * MIN);
  });
});

describe('certificate thresholds', () => {
  const on = { ...policy, onDegraded: true };
  it('alerts once per threshold 30/14/7/1, and again for the next certificate', () => {
    let state = EMPTY_STATE;
    const sent: number[] = [];
    for (const [i, days] of [40, 31, 30, 29, 20, 14, 10, 8, 7, 3, 1, 0, -1, 90, 25].entries()) {
      const out = decideCertificate(state, M, days, t0 + i * MIN, on, false);
      if (!out) continue;
      state = out.state;
      sent.push(...out.alerts.map((a) => a.facts.certificateDaysLeft!));
    }
    expect(sent).toEqual([30, 14, 7, 1, 25]);
  });

  it('alerts the lowest threshold reached when first seen late', () => {
    const out = decideCertificate(EMPTY_STATE, M, 10, t0, on, false)!;
    expect(out.state.certDaysSent).toBe(14);
    expect(out.alerts[0]!.facts.reason).toEqual({ code: 'CERT_EXPIRING', message: 'The certificate expires in 10 days' });
    expect(decideCertificate(out.state, M, 9, t0 + MIN, on, false)).toBeUndefined();
  });

  it('sends nothing without onDegraded or in maintenance, and remembers nothing either', () => {
    expect(decideCertificate(EMPTY_STATE, M, 5, t0, policy, false)).toBeUndefined();
    expect(decideCertificate(EMPTY_STATE, M, 5, t0, on, true)).toBeUndefined();
  });
});
