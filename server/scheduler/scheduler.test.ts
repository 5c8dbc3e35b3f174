import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FakeClock } from './fake-clock.js';
import { KeyedMinHeap } from './heap.js';
import { EARLY_MS, HeapScheduler, IMMEDIATE_RUNS, nextSlot, phaseOf } from './scheduler.js';

/** Deterministic UUID-shaped ids, so the spread figures never depend on luck. */
const idOf = (i: number) => {
  const h = createHash('sha256').update(`monitor-${i}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

interface Run {
  id: string;
  at: number;
  due: number;
}

function setup(opts: { hold?: boolean } = {}) {
  const clock = new FakeClock();
  const runs: Run[] = [];
  const release: Array<() => void> = [];
  const scheduler = new HeapScheduler(
    (id, due) => {
      runs.push({ id, at: clock.now(), due });
      return opts.hold ? new Promise<void>((r) => release.push(r)) : Promise.resolve();
    },
    { clock },
  );
  return { clock, runs, scheduler, release };
}

/** Runs per 1-second window over [from, from + seconds·1000). */
function perSecond(runs: Run[], from: number, seconds: number): number[] {
  const counts = Array<number>(seconds).fill(0);
  for (const r of runs) {
    const i = Math.floor((r.at - from) / 1000);
    if (i >= 0 && i < seconds) counts[i]!++;
  }
  return counts;
}

describe('KeyedMinHeap', () => {
  it('pops in due order, and keeps order through removals and updates by key', async () => {
    const heap = new KeyedMinHeap<{ key: string; due: number }>();
    const dues = [50, 10, 40, 30, 20, 70, 60, 0, 90, 80];
    dues.forEach((due, i) => heap.push({ key: `k${i}`, due }));
    heap.remove('k3'); // 30
    heap.push({ key: 'k5', due: 5 }); // 70 → 5
    heap.remove('missing');
    const order: number[] = [];
    for (let e = heap.pop(); e; e = heap.pop()) order.push(e.due);
    expect(order).toEqual([0, 5, 10, 20, 40, 50, 60, 80, 90]);
    expect(heap.size).toBe(0);
  });

  it('stays ordered under a thousand random operations', async () => {
    const heap = new KeyedMinHeap<{ key: string; due: number }>();
    const model = new Map<string, number>();
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 1000; i++) {
      const key = `k${Math.floor(rnd() * 100)}`;
      if (rnd() < 0.3) {
        heap.remove(key);
        model.delete(key);
      } else {
        const due = Math.floor(rnd() * 1e6);
        heap.push({ key, due });
        model.set(key, due);
      }
    }
    const popped: number[] = [];
    for (let e = heap.pop(); e; e = heap.pop()) popped.push(e.due);
    expect(popped).toEqual([...model.values()].sort((a, b) => a - b));
  });
});

describe('HeapScheduler', () => {
  it('gives each monitor a stable slot: phase within the interval, the same after a restart', async () => {
    const id = idOf(1);
    const phase = phaseOf(id, 30_000);
    expect(phase).toBeGreaterThanOrEqual(0);
    expect(phase).toBeLessThan(30_000);
    const a = nextSlot(id, 30_000, Date.UTC(2026, 0, 1));
    const b = nextSlot(id, 30_000, Date.UTC(2026, 0, 1) + 123_456);
    expect((b - a) % 30_000).toBe(0);
    expect(nextSlot(id, 30_000, a)).toBe(a); // a slot at `after` counts
  });

  it('schedules every monitor at start, each within one interval, and keeps one timer', async () => {
    const { clock, scheduler } = setup();
    const start = clock.now();
    for (let i = 0; i < 2000; i++) scheduler.upsert({ id: idOf(i), intervalMs: 30_000, paused: false });
    scheduler.start();
    expect(scheduler.size).toBe(2000);
    for (let i = 0; i < 2000; i++) {
      const due = scheduler.dueOf(idOf(i))!;
      expect(due - start).toBeGreaterThanOrEqual(0);
      expect(due - start).toBeLessThan(30_000);
    }
    expect(clock.pending()).toBe(1);
    await clock.advance(45_000);
    expect(clock.pending()).toBe(1);
  });

  it('spreads 3,000 monitors evenly: no 1-second window above 1.5× the mean, at start or after a bulk add', async () => {
    const { clock, runs, scheduler } = setup();
    for (let i = 0; i < 3000; i++) scheduler.upsert({ id: idOf(i), intervalMs: 30_000, paused: false });
    scheduler.start();
    const t0 = clock.now();
    await clock.advance(60_000);
    expect(runs.length).toBe(6000);
    expect(Math.max(...perSecond(runs, t0, 60))).toBeLessThanOrEqual(150);

    // A bulk import of 3,000 more while running: the rate doubles smoothly, with no burst.
    for (let i = 3000; i < 6000; i++) scheduler.upsert({ id: idOf(i), intervalMs: 30_000, paused: false });
    const t1 = clock.now();
    runs.length = 0;
    await clock.advance(60_000);
    expect(runs.length).toBe(12_000);
    expect(Math.max(...perSecond(runs, t1, 60))).toBeLessThanOrEqual(300);
    // On its slot: a wake-up also starts what falls due within the next EARLY_MS.
    expect(runs.every((r) => r.at - r.due <= 0 && r.due - r.at <= EARLY_MS)).toBe(true);
  });

  it('runs each monitor once per interval, on its slot', async () => {
    const { clock, runs, scheduler } = setup();
    scheduler.upsert({ id: 'a', intervalMs: 10_000, paused: false });
    scheduler.start();
    await clock.advance(100_000);
    expect(runs.length).toBe(10);
    const gaps = runs.slice(1).map((r, i) => r.at - runs[i]!.at);
    expect(new Set(gaps)).toEqual(new Set([10_000]));
    expect(runs[0]!.at % 10_000).toBe(phaseOf('a', 10_000));
  });

  it('skips the runs missed while paused instead of replaying them', async () => {
    const { clock, runs, scheduler } = setup();
    scheduler.upsert({ id: 'a', intervalMs: 10_000, paused: false });
    scheduler.start();
    await clock.advance(25_000);
    const before = runs.length;
    scheduler.upsert({ id: 'a', intervalMs: 10_000, paused: true });
    await clock.advance(65_000);
    expect(runs.length).toBe(before);
    const resumedAt = clock.now();
    scheduler.upsert({ id: 'a', intervalMs: 10_000, paused: false });
    await clock.advance(10_000);
    expect(runs.length).toBe(before + 1);
    expect(runs.at(-1)!.at - resumedAt).toBeLessThan(10_000);
  });

  it('skips the runs missed while the process was suspended', async () => {
    const { clock, runs, scheduler } = setup();
    scheduler.upsert({ id: 'a', intervalMs: 10_000, paused: false });
    scheduler.start();
    await clock.advance(20_000);
    const before = runs.length;
    clock.jump(95_000); // nothing fired for 95 s
    await clock.advance(1);
    expect(runs.length).toBe(before + 1); // one late run, not nine
    expect(scheduler.dueOf('a')! - clock.now()).toBeLessThanOrEqual(10_000);
    expect(scheduler.dueOf('a')! % 10_000).toBe(phaseOf('a', 10_000));
  });

  it('applies changes at once: a new interval, a removal, an added monitor', async () => {
    const { clock, runs, scheduler } = setup();
    scheduler.upsert({ id: 'slow', intervalMs: 3_600_000, paused: false });
    scheduler.upsert({ id: 'gone', intervalMs: 10_000, paused: false });
    scheduler.start();
    scheduler.upsert({ id: 'slow', intervalMs: 10_000, paused: false });
    scheduler.remove('gone');
    scheduler.upsert({ id: 'new', intervalMs: 10_000, paused: false });
    await clock.advance(10_000);
    expect(runs.map((r) => r.id).sort()).toEqual(['new', 'slow']);
    scheduler.upsert({ id: 'new', intervalMs: 10_000, paused: false }); // unchanged: keeps its slot
    await clock.advance(10_000);
    expect(runs.filter((r) => r.id === 'new').length).toBe(2);
  });

  it('does not start a monitor again while its previous run is still going', async () => {
    const { clock, runs, scheduler, release } = setup({ hold: true });
    scheduler.upsert({ id: 'a', intervalMs: 10_000, paused: false });
    scheduler.start();
    await clock.advance(30_000);
    expect(runs.length).toBe(1);
    expect(scheduler.stats.skippedBusy).toBe(2);
    release.forEach((r) => r());
  });

  it('records how late each dispatch was and stops dispatching after stop()', async () => {
    const { clock, runs, scheduler } = setup();
    scheduler.upsert({ id: 'a', intervalMs: 10_000, paused: false });
    scheduler.start();
    await clock.advance(10_000);
    expect(scheduler.stats.lateness.count).toBe(1);
    expect(scheduler.stats.lateness.max).toBe(0);
    await scheduler.stop();
    expect(clock.pending()).toBe(0);
    await clock.advance(60_000);
    expect(runs.length).toBe(1);
  });
});

describe('immediate runs (a new, resumed or re-targeted monitor)', () => {
  it('runs a monitor at once, then keeps its spread slots', async () => {
    const { clock, runs, scheduler } = setup();
    scheduler.start();
    const added = clock.now();
    scheduler.upsert({ id: 'a', intervalMs: 60_000, paused: false });
    scheduler.runSoon('a');
    await clock.advance(0);
    expect(runs.map((r) => r.at)).toEqual([added]);
    await clock.advance(120_000);
    expect(runs.length).toBe(3);
    expect(runs.slice(1).map((r) => r.at % 60_000)).toEqual([phaseOf('a', 60_000), phaseOf('a', 60_000)]);
  });

  it('bounds a bulk create: 16 at once, the rest queued in order as places free up', async () => {
    const { clock, runs, scheduler, release } = setup({ hold: true });
    scheduler.start();
    const ids = Array.from({ length: 40 }, (_, i) => idOf(i));
    for (const id of ids) {
      scheduler.upsert({ id, intervalMs: 3_600_000, paused: false });
      scheduler.runSoon(id);
    }
    await clock.advance(0);
    expect(IMMEDIATE_RUNS).toBe(16);
    expect(runs.map((r) => r.id)).toEqual(ids.slice(0, 16));
    expect(scheduler.waitingSoon).toBe(24);
    scheduler.remove(ids[39]!); // deleted while queued: never run
    release.splice(0, 4).forEach((r) => r());
    await clock.advance(0);
    expect(runs.map((r) => r.id)).toEqual(ids.slice(0, 20));
    while (release.length) {
      release.splice(0).forEach((r) => r());
      await clock.advance(0);
    }
    expect(runs.map((r) => r.id)).toEqual(ids.slice(0, 39));
    expect(scheduler.waitingSoon).toBe(0);
  });

  it('runs nothing for a paused or removed monitor, and waits for a run already going', async () => {
    const { clock, runs, scheduler, release } = setup({ hold: true });
    scheduler.start();
    scheduler.upsert({ id: 'paused', intervalMs: 3_600_000, paused: true });
    scheduler.runSoon('paused');
    scheduler.upsert({ id: 'gone', intervalMs: 3_600_000, paused: false });
    scheduler.upsert({ id: 'busy', intervalMs: 3_600_000, paused: false });
    scheduler.runSoon('busy');
    scheduler.remove('gone');
    scheduler.runSoon('gone');
    await clock.advance(0);
    expect(runs.map((r) => r.id)).toEqual(['busy']);
    scheduler.runSoon('busy'); // re-targeted while its check runs: checked again after it
    await clock.advance(0);
    expect(runs.length).toBe(1);
    release.splice(0).forEach((r) => r());
    await clock.advance(0);
    expect(runs.map((r) => r.id)).toEqual(['busy', 'busy']);
    release.splice(0).forEach((r) => r());
  });
});
