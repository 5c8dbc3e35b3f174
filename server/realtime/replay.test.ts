import { describe, expect, it } from 'vitest';
import type { OrgEvent } from '../../contracts/events.js';
import { Replay } from './replay.js';

const beat = (monitorId: string): OrgEvent => ['heartbeat', { monitorId, at: '2026-11-30T00:00:00.000Z', status: 'up', ok: true, latencyMs: 5 }];
const A = 'org-a';
const B = 'org-b';

describe('Replay', () => {
  it("answers the org's events after a mark, oldest first, and none of another org's", () => {
    const r = new Replay();
    r.record(A, beat('before'));
    const mark = r.mark();
    r.record(A, beat('a1'));
    r.record(B, beat('b1'));
    r.record(A, ['monitor:delete', { monitorId: 'a2' }]);
    expect(r.since(mark, A)).toEqual([beat('a1'), ['monitor:delete', { monitorId: 'a2' }]]);
    expect(r.since(mark, B)).toEqual([beat('b1')]);
    expect(r.since(r.mark(), A)).toEqual([]);
  });

  it('answers undefined once the events after the mark are no longer all held', () => {
    let now = 0;
    const r = new Replay(1_000, 100, () => now);
    const mark = r.mark();
    r.record(A, beat('old'));
    now = 500;
    const later = r.mark();
    r.record(A, beat('new'));
    now = 1_200; // 'old' is past the age limit, 'new' is not
    expect(r.since(mark, A)).toBeUndefined();
    expect(r.since(later, A)).toEqual([beat('new')]);
    now = 1_600;
    expect(r.since(later, A)).toBeUndefined();
    expect(r.since(r.mark(), A)).toEqual([]); // nothing missed from a fresh mark
  });

  it('holds at most maxEntries', () => {
    const r = new Replay(60_000, 3);
    const mark = r.mark();
    for (let i = 0; i < 5; i++) r.record(A, beat(`m${i}`));
    expect(r.size).toBe(3);
    expect(r.since(mark, A)).toBeUndefined();
  });

  it("refuses another process's mark, a mark from the future and garbage", () => {
    const r = new Replay();
    r.record(A, beat('x'));
    const other = new Replay().mark();
    const [boot] = r.mark().split('.');
    for (const mark of [other, `${boot}.99`, `${boot}.-1`, `${boot}.1e3`, 'nonsense', '', '.']) expect(r.since(mark, A)).toBeUndefined();
  });

  it('stays correct after trimming a long front many times', () => {
    let now = 0;
    const r = new Replay(100, 100_000, () => now);
    for (let i = 0; i < 5_000; i++) {
      now = i;
      r.record(A, beat(`m${i}`));
    }
    const mark = r.mark();
    now = 5_000;
    r.record(A, beat('last'));
    expect(r.size).toBeLessThanOrEqual(102);
    expect(r.since(mark, A)).toEqual([beat('last')]);
  });
});
