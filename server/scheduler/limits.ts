/** Concurrency limits: a FIFO semaphore, and one semaphore per key (per target). */

export type Release = () => void;

export class Semaphore {
  #active = 0;
  readonly #waiting: Array<() => void> = [];

  constructor(readonly max: number) {}

  get active(): number {
    return this.#active;
  }

  get queued(): number {
    return this.#waiting.length;
  }

  acquire(): Promise<Release> {
    if (this.#active < this.max) {
      this.#active++;
      return Promise.resolve(this.#releaser());
    }
    return new Promise((resolve) => this.#waiting.push(() => resolve(this.#releaser())));
  }

  #releaser(): Release {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const next = this.#waiting.shift();
      if (next) next(); // the slot passes straight to the next in line
      else this.#active--;
    };
  }
}

/** A semaphore per key, created on first use and dropped when idle. */
export class KeyedSemaphore {
  readonly #byKey = new Map<string, Semaphore>();

  constructor(readonly max: number) {}

  async acquire(key: string): Promise<Release> {
    let sem = this.#byKey.get(key);
    if (!sem) this.#byKey.set(key, (sem = new Semaphore(this.max)));
    const release = await sem.acquire();
    return () => {
      release();
      if (sem.active === 0 && sem.queued === 0) this.#byKey.delete(key);
    };
  }

  /** Keys with a run active or queued. */
  get size(): number {
    return this.#byKey.size;
  }
}
