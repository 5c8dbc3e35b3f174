/**
 * The delivery worker: claims due outbox rows and sends them, a bounded number at once in
 * total and per channel (or subscriber), so one hanging receiver holds at most its own slots
 * while every other alert goes out. Failures are retried with exponential backoff and jitter
 * up to a limit, then marked failed. Several processes may run workers on one database.
 */
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from '../log.js';
import type { Clock } from '../scheduler/clock.js';
import { claimDue, markDelivered, markFailed, targetKey, type OutboxRow } from './outbox.js';
import type { SendResult } from './sdk.js';

export interface WorkerOptions {
  /** Sends at once in this process. */
  concurrency?: number;
  /** Sends at once per channel or subscriber. */
  perTarget?: number;
  /** Milliseconds between looks at the outbox (other processes' rows, retries coming due); 0: never on its own, only runOnce/drain deliver (tests). */
  pollMs?: number;
  /** Milliseconds a claimed row stays ours; must exceed the send timeout by a margin. */
  leaseMs?: number;
  /** Sends tried per row before it is marked failed. */
  maxAttempts?: number;
  /** Milliseconds before the first retry; doubles each time. */
  backoffBaseMs?: number;
  /** Longest wait between retries (milliseconds). */
  backoffMaxMs?: number;
  /** 0 ≤ x < 1; Math.random unless a test pins it. */
  random?: () => number;
}

export interface WorkerDeps {
  em: () => EntityManager;
  deliver: (row: OutboxRow) => Promise<SendResult>;
  clock: Clock;
  log: Logger;
  options?: WorkerOptions;
}

export class DeliveryWorker {
  readonly #o: Required<WorkerOptions>;
  readonly #busy = new Map<string, number>();
  readonly #sends = new Set<Promise<void>>();
  #active = 0;
  #timer: unknown;
  #started = false;
  #stopped = false;
  #chain: Promise<void> = Promise.resolve();
  /** Rows delivered and failed for good since start (metrics, tests). */
  readonly stats = { delivered: 0, retried: 0, failed: 0 };

  constructor(private readonly deps: WorkerDeps) {
    this.#o = {
      concurrency: 8,
      perTarget: 2,
      pollMs: 1_000,
      leaseMs: 120_000,
      maxAttempts: 8,
      backoffBaseMs: 30_000,
      backoffMaxMs: 3_600_000,
      random: Math.random,
      ...deps.options,
    };
  }

  start(): void {
    if (this.#o.pollMs === 0) return;
    this.#started = true;
    this.#arm(0);
  }

  /** Something was queued: look now rather than at the next poll. */
  kick(): void {
    if (this.#started && !this.#stopped) this.#arm(0);
  }

  /** Stops claiming and waits for the sends under way (each ends by its timeout). */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.deps.clock.clearTimeout(this.#timer);
    await this.#chain;
    await Promise.all([...this.#sends]);
  }

  /** Claims what is due now and waits for those sends; answers how many were claimed (tests, tools). */
  async runOnce(): Promise<number> {
    const sends = await this.#claim();
    await Promise.all(sends);
    return sends.length;
  }

  /**
   * runOnce until nothing is due and nothing is being sent: a row the worker's own loop claimed
   * first is waited for too (then looked at again: a failed send may be due at once).
   */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.runOnce();
      total += n;
      if (n > 0) continue;
      if (this.#sends.size === 0) return total;
      await Promise.all([...this.#sends]);
    }
  }

  /** Milliseconds before retry number `attempts` (1 after the first failure): doubling, capped, jittered. */
  backoff(attempts: number): number {
    const plain = Math.min(this.#o.backoffBaseMs * 2 ** Math.max(0, attempts - 1), this.#o.backoffMaxMs);
    // Between half and all of it: retries of many rows failing together spread out.
    return Math.round(plain * (0.5 + this.#o.random() / 2));
  }

  #arm(ms: number): void {
    if (this.#stopped) return;
    this.deps.clock.clearTimeout(this.#timer);
    this.#timer = this.deps.clock.setTimeout(() => void this.#tick(), ms);
  }

  async #tick(): Promise<void> {
    const sends = await this.#claim();
    // A full batch suggests more is waiting: look again as soon as a slot frees up.
    if (sends.length > 0 && this.#active >= this.#o.concurrency) return;
    this.#arm(sends.length > 0 ? 0 : this.#o.pollMs);
  }

  /** Claims run one after another in this process, so the slot counts they read are current. */
  #claim(): Promise<Array<Promise<void>>> {
    const next = this.#chain.then(() => this.#claimNow());
    this.#chain = next.then(
      () => undefined,
      () => undefined,
    );
    return next;
  }

  async #claimNow(): Promise<Array<Promise<void>>> {
    const free = this.#o.concurrency - this.#active;
    if (free <= 0 || this.#stopped) return [];
    let rows: OutboxRow[];
    try {
      rows = await claimDue(this.deps.em(), {
        now: this.deps.clock.now(),
        limit: free,
        perTarget: this.#o.perTarget,
        busy: this.#busy,
        leaseMs: this.#o.leaseMs,
        claimId: randomUUID(),
      });
    } catch (err) {
      this.deps.log.warn({ err: (err as Error).message }, 'alerting: cannot read the outbox; trying again shortly');
      return [];
    }
    return rows.map((r) => this.#send(r));
  }

  #send(row: OutboxRow): Promise<void> {
    const key = targetKey(row);
    this.#active++;
    this.#busy.set(key, (this.#busy.get(key) ?? 0) + 1);
    const done = this.#attempt(row).finally(() => {
      this.#active--;
      const n = (this.#busy.get(key) ?? 1) - 1;
      if (n > 0) this.#busy.set(key, n);
      else this.#busy.delete(key);
      this.#sends.delete(done);
      if (this.#started) this.kick();
    });
    this.#sends.add(done);
    return done;
  }

  async #attempt(row: OutboxRow): Promise<void> {
    let result: SendResult;
    try {
      result = await this.deps.deliver(row);
    } catch (err) {
      result = { ok: false, error: { code: 'DELIVERY_CRASHED', message: (err as Error)?.message ?? String(err) } };
    }
    const now = this.deps.clock.now();
    const log = this.deps.log;
    try {
      const em = this.deps.em();
      if (result.ok) {
        if (await markDelivered(em, row, result, now)) this.stats.delivered++;
        return;
      }
      const again = result.retryable !== false && row.attempts < this.#o.maxAttempts;
      const retryAt = again ? now + Math.max(this.backoff(row.attempts), result.retryAfterMs ?? 0) : null;
      if (await markFailed(em, row, result, retryAt)) {
        if (again) this.stats.retried++;
        else this.stats.failed++;
      }
      log.warn(
        { deliveryId: row.id, event: row.event, channelId: row.channelId, subscriberId: row.subscriberId, attempts: row.attempts, code: result.error?.code, retryAt: retryAt && new Date(retryAt).toISOString() },
        again ? 'alert delivery failed; will retry' : 'alert delivery failed for good',
      );
    } catch (err) {
      // The row stays claimed; once its lease passes it is due again.
      log.warn({ deliveryId: row.id, err: (err as Error).message }, 'alerting: cannot record a delivery attempt');
    }
  }
}
