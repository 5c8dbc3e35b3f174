/**
 * When each monitor runs. One heap of next-due times and one timer for the earliest, however
 * many monitors there are. Each monitor keeps a stable phase within its interval (from a hash of
 * its id), so runs land on the same slots across restarts and a bulk import spreads evenly
 * instead of firing at once. Slots that passed while a monitor was paused, or while the process
 * could not run, are skipped, never replayed. A monitor that is new, resumed or re-targeted is
 * also run at once (runSoon), besides its slots: at most a few such runs at a time, the rest
 * queued in order, so a bulk import does not stampede.
 */
import { systemClock, type Clock } from './clock.js';
import { KeyedMinHeap } from './heap.js';
import { Histogram } from './histogram.js';

export interface ScheduledMonitor {
  id: string;
  /** Milliseconds between runs. */
  intervalMs: number;
  paused: boolean;
}

/**
 * What the rest of the server needs from a scheduler. This process-local one runs every monitor
 * it is given; a multi-process one can take leases and run only its share behind the same calls.
 */
export interface MonitorScheduler {
  /** Adds or changes a monitor; a paused one stops being scheduled. Takes effect at once. */
  upsert(monitor: ScheduledMonitor): void;
  /**
   * Runs a scheduled monitor as soon as a place among the immediate runs is free, once, besides
   * its slots (a new, resumed or re-targeted monitor should not wait a whole interval).
   */
  runSoon(id: string): void;
  remove(id: string): void;
  start(): void;
  /** Stops dispatching and waits (briefly) for runs in flight. */
  stop(): Promise<void>;
}

/** Runs one monitor; `dueAt` is the slot it was scheduled for (epoch ms). */
export type RunMonitor = (id: string, dueAt: number) => Promise<void>;

interface Entry {
  key: string;
  due: number;
  intervalMs: number;
}

export interface SchedulerStats {
  dispatched: number;
  /** Runs not started because the previous run of the same monitor was still going. */
  skippedBusy: number;
  /** Dispatch time minus due time (milliseconds). */
  lateness: Histogram;
}

export interface SchedulerOptions {
  clock?: Clock;
  /** How long stop() waits for runs in flight (milliseconds). */
  drainMs?: number;
  /** Immediate runs (runSoon) at once; the rest wait their turn (default IMMEDIATE_RUNS; 0: none, slots only). */
  immediateRuns?: number;
}

/** Immediate runs at once by default: a bulk create checks its monitors 16 at a time. */
export const IMMEDIATE_RUNS = 16;

/** FNV-1a: a cheap, stable hash of the id (UUIDs are already random; this only needs to be stable). */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The monitor's offset within its interval (milliseconds, 0 ≤ offset < interval). */
export function phaseOf(id: string, intervalMs: number): number {
  return Math.floor((hash32(id) / 2 ** 32) * intervalMs);
}

/** The first slot at or after `after`: slots are phase + k·interval on the epoch time line. */
export function nextSlot(id: string, intervalMs: number, after: number): number {
  const phase = phaseOf(id, intervalMs);
  return phase + Math.ceil((after - phase) / intervalMs) * intervalMs;
}

/**
 * Entries this close to due count as due: timers may fire a hair early relative to Date.now(),
 * and one wake-up then starts the monitors of the next few milliseconds together (at 400 checks/s
 * about four per wake-up instead of one: bench:scheduler, CPU).
 */
export const EARLY_MS = 10;

export class HeapScheduler implements MonitorScheduler {
  readonly stats: SchedulerStats = { dispatched: 0, skippedBusy: 0, lateness: new Histogram() };
  readonly #heap = new KeyedMinHeap<Entry>();
  readonly #inFlight = new Map<string, Promise<void>>();
  readonly #clock: Clock;
  readonly #drainMs: number;
  readonly #immediateRuns: number;
  /** Monitors waiting for an immediate run, oldest first. */
  readonly #soon = new Set<string>();
  #soonRunning = 0;
  #timer: unknown;
  #timerAt = Infinity;
  #running = false;

  constructor(
    private readonly run: RunMonitor,
    opts: SchedulerOptions = {},
  ) {
    this.#clock = opts.clock ?? systemClock;
    this.#drainMs = opts.drainMs ?? 5_000;
    this.#immediateRuns = opts.immediateRuns ?? IMMEDIATE_RUNS;
  }

  /** Monitors waiting for an immediate run (not counting those running). */
  get waitingSoon(): number {
    return this.#soon.size;
  }

  /** Monitors waiting in the heap (paused ones are not). */
  get size(): number {
    return this.#heap.size;
  }

  /** When `id` runs next (epoch ms), if scheduled. */
  dueOf(id: string): number | undefined {
    return this.#heap.get(id)?.due;
  }

  upsert(m: ScheduledMonitor): void {
    if (m.paused) return this.remove(m.id);
    const existing = this.#heap.get(m.id);
    if (existing && existing.intervalMs === m.intervalMs) return;
    this.#heap.push({ key: m.id, intervalMs: m.intervalMs, due: nextSlot(m.id, m.intervalMs, this.#clock.now()) });
    this.#arm();
  }

  runSoon(id: string): void {
    if (this.#immediateRuns === 0 || !this.#heap.get(id)) return; // off, or paused or unknown: nothing to run
    this.#soon.add(id);
    this.#runWaiting();
  }

  remove(id: string): void {
    this.#soon.delete(id);
    if (this.#heap.remove(id)) this.#arm();
  }

  start(): void {
    this.#running = true;
    this.#arm();
    this.#runWaiting();
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#disarm();
    if (this.#inFlight.size === 0) return;
    let timer: unknown;
    const waited = new Promise<void>((resolve) => (timer = this.#clock.setTimeout(resolve, this.#drainMs)));
    await Promise.race([Promise.allSettled([...this.#inFlight.values()]), waited]);
    this.#clock.clearTimeout(timer);
  }

  #disarm(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Infinity;
  }

  /** Keeps exactly one timer, set for the earliest due entry. */
  #arm(): void {
    const top = this.#heap.peek();
    if (!this.#running || !top) return this.#disarm();
    if (top.due === this.#timerAt) return;
    this.#disarm();
    this.#timerAt = top.due;
    this.#timer = this.#clock.setTimeout(() => this.#tick(), Math.max(0, top.due - this.#clock.now()));
  }

  #tick(): void {
    this.#timer = undefined;
    this.#timerAt = Infinity;
    const now = this.#clock.now();
    for (let top = this.#heap.peek(); top && top.due <= now + EARLY_MS; top = this.#heap.peek()) {
      const due = top.due;
      let next = due + top.intervalMs;
      if (next <= now) next = nextSlot(top.key, top.intervalMs, now + 1); // stalled: skip, don't replay
      // Rescheduled before the run starts, so a run that removes its own monitor stays removed.
      this.#heap.push({ ...top, due: next });
      this.#dispatch(top.key, due, now);
    }
    this.#arm();
  }

  /** Starts waiting immediate runs while places are free. One still running its slot waits for it (its config may be older). */
  #runWaiting(): void {
    if (!this.#running) return;
    for (const id of this.#soon) {
      if (this.#soonRunning >= this.#immediateRuns) return;
      if (this.#inFlight.has(id)) continue;
      this.#soon.delete(id);
      const now = this.#clock.now();
      this.#soonRunning++;
      this.#dispatch(id, now, now, () => this.#soonRunning--);
    }
  }

  #dispatch(id: string, due: number, now: number, after?: () => void): void {
    if (this.#inFlight.has(id)) {
      this.stats.skippedBusy++;
      return;
    }
    this.stats.dispatched++;
    this.stats.lateness.record(now - due);
    const done = this.run(id, due)
      .catch(() => {}) // the run reports its own failures; a rejection must not stop the loop
      .finally(() => {
        this.#inFlight.delete(id);
        after?.();
        if (this.#soon.size > 0) this.#runWaiting();
      });
    this.#inFlight.set(id, done);
  }
}
