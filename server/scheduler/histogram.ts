/**
 * Counts durations in fixed buckets (1 ms up to 1 s, 10 ms up to 10 s, 100 ms up to 10 min) so
 * percentiles cost constant memory however long the process runs.
 */
const FINE = 1_000;
const MID = 900;
const COARSE = 5_900;

export class Histogram {
  readonly #counts = new Uint32Array(FINE + MID + COARSE + 1);
  count = 0;
  /** Largest value recorded (milliseconds, exact). */
  max = 0;
  #sum = 0;

  record(ms: number): void {
    const v = Math.max(0, ms);
    const i = v < 1_000 ? Math.floor(v) : v < 10_000 ? FINE + Math.floor((v - 1_000) / 10) : Math.min(FINE + MID + Math.floor((v - 10_000) / 100), this.#counts.length - 1);
    this.#counts[i]!++;
    this.count++;
    this.#sum += v;
    if (v > this.max) this.max = v;
  }

  mean(): number {
    return this.count ? this.#sum / this.count : 0;
  }

  /** The upper edge of the bucket holding quantile q (0–1), in milliseconds. */
  quantile(q: number): number {
    if (!this.count) return 0;
    const rank = Math.ceil(q * this.count);
    let seen = 0;
    for (let i = 0; i < this.#counts.length; i++) {
      seen += this.#counts[i]!;
      if (seen >= rank) {
        const edge = i < FINE ? i + 1 : i < FINE + MID ? 1_000 + (i - FINE + 1) * 10 : 10_000 + (i - FINE - MID + 1) * 100;
        return Math.min(edge, this.max);
      }
    }
    return this.max;
  }

  reset(): void {
    this.#counts.fill(0);
    this.count = 0;
    this.max = 0;
    this.#sum = 0;
  }
}
