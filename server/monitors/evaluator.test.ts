import { describe, expect, it } from 'vitest';
import type { ProbeResult } from '../../plugins/sdk.js';
import { judge, type Verdict } from './assertions.js';
import { Evaluator, nextState } from './evaluator.js';
import type { Assertion, MonitorStatus } from '../../contracts/monitors.js';

const P: Verdict = { ok: true };
const W: Verdict = { ok: true, warning: { code: 'CERT_EXPIRING', message: '10 days left' } };
const F: Verdict = { ok: false, error: { code: 'TIMEOUT', message: 'No answer' } };
const steps = { P, W, F };

describe('state machine', () => {
  it.each<[string, MonitorStatus, number, string, string]>([
    // name, starting status, retries, verdicts (P pass, W pass with warning, F fail), statuses after each
    ['a new monitor comes up on its first pass', 'pending', 1, 'P', 'up'],
    ['a new monitor with a warning is degraded', 'pending', 1, 'W', 'degraded'],
    ['retries 0: the first failure is down', 'pending', 0, 'F', 'down'],
    ['retries 1: pending through one failure, down on the second', 'pending', 1, 'F F', 'pending down'],
    ['retries 2 from up: down on the third failure in a row', 'up', 2, 'F F F', 'up up down'],
    ['a pass between failures starts the count over', 'up', 1, 'F P F P F F', 'up up up up up down'],
    ['one pass brings a down monitor back up', 'down', 1, 'P', 'up'],
    ['a down monitor stays down while failing', 'down', 3, 'F F', 'down down'],
    ['degraded while failing within retries stays degraded', 'degraded', 1, 'F F', 'degraded down'],
    ['warning and recovery', 'up', 0, 'W W P', 'degraded degraded up'],
    ['paused is never changed by a result', 'paused', 0, 'F P W', 'paused paused paused'],
    ['maintenance is never changed by a result', 'maintenance', 0, 'F F P', 'maintenance maintenance maintenance'],
  ])('%s', (_name, start, retries, verdicts, expected) => {
    const since = new Date(0);
    let state = { status: start, since, failures: 0 };
    const seen: string[] = [];
    verdicts.split(' ').forEach((v, i) => {
      const at = new Date(1000 * (i + 1));
      const t = nextState(state, steps[v as keyof typeof steps], retries, at);
      expect(t.changed).toBe(t.state.status !== state.status);
      expect(t.state.since).toEqual(t.changed ? at : state.since);
      expect(t.previous).toBe(state.status);
      state = t.state;
      seen.push(state.status);
    });
    expect(seen.join(' ')).toBe(expected);
  });

  it.each<[MonitorStatus, Verdict, string | null]>([
    ['up', F, 'TIMEOUT'],
    ['up', W, 'CERT_EXPIRING'],
    ['down', P, null],
  ])('a change from %s gives its reason', (start, verdict, code) => {
    const t = nextState({ status: start, since: new Date(0), failures: 5 }, verdict, 0, new Date(1));
    expect(t.changed).toBe(true);
    expect(t.reason?.code ?? null).toBe(code);
  });

  it('tracks monitors, takes outside changes and starts the failure count over', () => {
    const e = new Evaluator();
    e.track('m', 'up', new Date(0));
    e.track('m', 'down', new Date(5)); // already tracked: ignored
    expect(e.evaluate('m', F, 1, new Date(1)).state).toMatchObject({ status: 'up', failures: 1 });
    expect(e.set('m', 'paused', new Date(2))).toMatchObject({ changed: true, previous: 'up', state: { status: 'paused', failures: 0 } });
    expect(e.set('m', 'pending', new Date(3)).state.status).toBe('pending');
    expect(e.evaluate('m', F, 1, new Date(4)).state.status).toBe('pending');
    expect(e.evaluate('m', F, 1, new Date(5)).state.status).toBe('down');
    e.forget('m');
    expect(e.get('m')).toBeUndefined();
  });
});

describe('assertions', () => {
  const pass: ProbeResult = { ok: true, timings: {}, metadata: {} };
  const fail: ProbeResult = { ok: false, error: { code: 'STATUS_MISMATCH', message: '500' }, timings: {}, metadata: {} };
  const warn: ProbeResult = { ...pass, warning: { code: 'CERT_EXPIRING', message: 'soon' } };
  const slowFail: Assertion = { type: 'latency', maxMs: 100, severity: 'failure' };
  const slowWarn: Assertion = { type: 'latency', maxMs: 50, severity: 'warning' };

  it.each<[string, ProbeResult, number, Assertion[], boolean, string | undefined, string | undefined]>([
    ['no assertions', pass, 500, [], true, undefined, undefined],
    ['probe failure wins', fail, 500, [slowFail], false, 'STATUS_MISMATCH', undefined],
    ['latency over a failure limit', pass, 101, [slowFail], false, 'LATENCY_ABOVE_LIMIT', undefined],
    ['latency at the limit passes', pass, 100, [slowFail], true, undefined, undefined],
    ['latency over a warning limit', pass, 60, [slowWarn, slowFail], true, undefined, 'LATENCY_ABOVE_LIMIT'],
    ['failure limit beats warning limit', pass, 150, [slowWarn, slowFail], false, 'LATENCY_ABOVE_LIMIT', undefined],
    ["the probe's own warning comes first", warn, 60, [slowWarn], true, undefined, 'CERT_EXPIRING'],
  ])('%s', (_name, result, latency, assertions, ok, error, warning) => {
    const v = judge(result, latency, assertions);
    expect(v.ok).toBe(ok);
    expect(v.error?.code).toBe(error);
    expect(v.warning?.code).toBe(warning);
  });
});
