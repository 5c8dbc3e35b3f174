/**
 * Fixed-window failure counters in memory (one process). Bounded: the oldest windows are
 * dropped first when the map is full, so a flood of distinct keys cannot exhaust memory.
 */
export class FailureLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly maxKeys = 100_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds until `key` may try again, or 0 when it is not blocked. */
  blockedFor(key: string): number {
    const w = this.windows.get(key);
    if (!w) return 0;
    const t = this.now();
    if (w.resetAt <= t) {
      this.windows.delete(key);
      return 0;
    }
    return w.count >= this.limit ? Math.ceil((w.resetAt - t) / 1000) : 0;
  }

  fail(key: string): void {
    const t = this.now();
    const w = this.windows.get(key);
    if (w && w.resetAt > t) {
      w.count++;
      return;
    }
    if (this.windows.size >= this.maxKeys) this.windows.delete(this.windows.keys().next().value!);
    this.windows.set(key, { count: 1, resetAt: t + this.windowMs });
  }

  reset(key: string): void {
    this.windows.delete(key);
  }
}
