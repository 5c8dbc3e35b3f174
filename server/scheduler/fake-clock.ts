/** A clock for tests: time moves only when the test says so; timers fire in order as it does. */
import type { Clock } from './clock.js';

interface FakeTimer {
  id: number;
  at: number;
  fn: () => void;
}

export class FakeClock implements Clock {
  #now: number;
  #timers: FakeTimer[] = [];
  #nextId = 1;

  constructor(start = Date.UTC(2026, 10, 29, 12, 0, 0)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const timer = { id: this.#nextId++, at: this.#now + Math.max(0, ms), fn };
    this.#timers.push(timer);
    return timer.id;
  }

  clearTimeout(handle: unknown): void {
    this.#timers = this.#timers.filter((t) => t.id !== handle);
  }

  /** Timers currently armed. */
  pending(): number {
    return this.#timers.length;
  }

  /**
   * Moves time forward by `ms`, firing every timer that falls due, each at its own time, and
   * letting promise callbacks settle after each (as the real event loop would).
   */
  async advance(ms: number): Promise<void> {
    const end = this.#now + ms;
    for (;;) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      const next = this.#timers.reduce<FakeTimer | undefined>((a, t) => (!a || t.at < a.at || (t.at === a.at && t.id < a.id) ? t : a), undefined);
      if (!next || next.at > end) break;
      this.#timers = this.#timers.filter((t) => t !== next);
      this.#now = Math.max(this.#now, next.at);
      next.fn();
    }
    this.#now = end;
  }

  /** Moves time forward without firing anything, like a process that was suspended. */
  jump(ms: number): void {
    this.#now += ms;
  }
}
