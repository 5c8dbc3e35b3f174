/**
 * One budget for the bytes all checks hold at once (response bodies kept for a regex or a JSON
 * path, and whatever else a plugin must buffer), so a member cannot push the server's memory up
 * by creating many monitors of large bodies. Over budget a check waits, first come first served;
 * its own timeout still bounds the wait.
 */
export interface MemoryReservation {
  /** Bytes held. */
  readonly bytes: number;
  /** Gives the bytes back; calling it again does nothing. */
  release(): void;
}

export interface MemoryBudget {
  /** Most bytes held at once across all checks; a single reservation may not exceed it. */
  readonly limit: number;
  /**
   * Resolves once `bytes` are free and held for the caller, who must release() them when done
   * (the runner releases whatever a check still holds when it ends, and grants nothing to a
   * check that has ended). Rejects with the signal's
   * reason if it aborts first, and with a RangeError for more than `limit` (ask for at most that).
   */
  reserve(bytes: number, signal: AbortSignal): Promise<MemoryReservation>;
}

interface Waiter {
  bytes: number;
  grant(): void;
}

export interface BudgetStats {
  /** Bytes held now. */
  held: number;
  /** Most bytes ever held at once. */
  highWater: number;
  /** Reservations that had to wait for bytes. */
  waited: number;
  /** Reservations waiting now. */
  queued: number;
}

export class ByteBudget implements MemoryBudget {
  #held = 0;
  #highWater = 0;
  #waited = 0;
  readonly #queue: Waiter[] = [];

  /** `limit`: bytes. */
  constructor(readonly limit: number) {}

  get stats(): BudgetStats {
    return { held: this.#held, highWater: this.#highWater, waited: this.#waited, queued: this.#queue.length };
  }

  reserve(bytes: number, signal: AbortSignal): Promise<MemoryReservation> {
    if (!Number.isSafeInteger(bytes) || bytes < 0 || bytes > this.limit) {
      return Promise.reject(new RangeError(`Cannot reserve ${bytes} bytes of a ${this.limit}-byte budget`));
    }
    if (signal.aborted) return Promise.reject(signal.reason);
    // FIFO: nobody overtakes a waiting reservation, so a large one is not starved by small ones.
    if (this.#queue.length === 0 && this.#held + bytes <= this.limit) return Promise.resolve(this.#take(bytes));
    this.#waited++;
    return new Promise<MemoryReservation>((resolve, reject) => {
      const waiter: Waiter = {
        bytes,
        grant: () => {
          signal.removeEventListener('abort', onAbort);
          resolve(this.#take(bytes));
        },
      };
      const onAbort = () => {
        this.#queue.splice(this.#queue.indexOf(waiter), 1);
        reject(signal.reason);
        this.#wake(); // the head may have been this one
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#queue.push(waiter);
    });
  }

  #take(bytes: number): MemoryReservation {
    this.#held += bytes;
    this.#highWater = Math.max(this.#highWater, this.#held);
    let held = true;
    return {
      bytes,
      release: () => {
        if (!held) return;
        held = false;
        this.#held -= bytes;
        this.#wake();
      },
    };
  }

  #wake(): void {
    while (this.#queue.length > 0 && this.#held + this.#queue[0]!.bytes <= this.limit) this.#queue.shift()!.grant();
  }
}
