/**
 * A few slots and a bounded wait list for costly work (bcrypt): past the bound the caller is
 * refused at once with 429 BUSY instead of queueing without end, and the work never starts.
 */
import { AppError } from '../errors.js';

export interface WorkQueueSize {
  /** Jobs running at once. */
  slots: number;
  /** Jobs waiting for a slot; one more is refused. */
  waiting: number;
}

export const busy = () =>
  new AppError(429, 'BUSY', 'The server is busy checking passwords: try again in a moment', { retryAfterSeconds: 1 }, { 'Retry-After': '1' });

export class WorkQueue {
  #size: WorkQueueSize;
  #running = 0;
  readonly #waiting: Array<() => void> = [];
  /** Jobs started since creation, and refused (tests read them). */
  readonly stats = { started: 0, refused: 0 };

  constructor(size: WorkQueueSize) {
    this.#size = { ...size };
  }

  get size(): Readonly<WorkQueueSize> {
    return this.#size;
  }

  /** New bounds (tests); jobs already admitted keep their place. */
  resize(size: WorkQueueSize): void {
    this.#size = { ...size };
    this.#wake();
  }

  /** True when a new job would be refused now. */
  get full(): boolean {
    return this.#running >= this.#size.slots && this.#waiting.length >= this.#size.waiting;
  }

  /** Throws 429 BUSY when full: a cheap refusal before anything else is spent on a request. */
  admit(): void {
    if (this.full) {
      this.stats.refused++;
      throw busy();
    }
  }

  /** Runs `job` in a slot, after those waiting before it; throws 429 BUSY (without running it) when full. */
  async run<T>(job: () => Promise<T>): Promise<T> {
    if (this.#running < this.#size.slots) this.#running++;
    else {
      this.admit();
      await new Promise<void>((resolve) => this.#waiting.push(resolve)); // the slot is handed over: #running already counts it
    }
    this.stats.started++;
    try {
      return await job();
    } finally {
      if (this.#running <= this.#size.slots && this.#waiting.length) this.#waiting.shift()!();
      else this.#running--;
    }
  }

  #wake(): void {
    while (this.#running < this.#size.slots && this.#waiting.length) {
      this.#running++;
      this.#waiting.shift()!();
    }
  }
}
