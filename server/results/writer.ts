/**
 * Writes heartbeats in batches: one statement per flush tick (not one per check), adding to the
 * minute/hour/day rollups and persisting status changes in the same statement. While the database
 * is unreachable, results wait in a bounded queue and are written in order once it answers
 * again; above the bound new results are dropped, counted and logged.
 * Hot path: raw SQL (the heartbeat batch and its rollups, measured by bench:scheduler).
 */
import type { ProbeProblem, Timings } from '../../plugins/sdk.js';
import type { Orm } from '../db/orm.js';
import type { Logger } from '../log.js';
import type { MonitorStatus } from '../../contracts/monitors.js';
import { WRITE_BATCH, type BatchRow } from './sql.js';
import { run } from '../db/sql.js';

export interface HeartbeatRecord {
  monitorId: string;
  /** When the check started. */
  at: Date;
  /** The monitor's status after this check. */
  status: MonitorStatus;
  ok: boolean;
  /** Milliseconds the check took. */
  latencyMs: number;
  error?: ProbeProblem;
  timings: Timings;
  metadata: Record<string, unknown>;
  /** The monitor's interval when it ran, in seconds: the most time one check covers (uptime.ts). */
  intervalSeconds: number;
}

export interface StatusRecord {
  monitorId: string;
  status: MonitorStatus;
  since: Date;
  /** 'CODE: message', or null. */
  reason: string | null;
}

export interface WriterOptions {
  /** Milliseconds between flushes. */
  flushIntervalMs?: number;
  /** Rows per statement; a fuller queue flushes at once, in several statements. */
  batchSize?: number;
  /** Results kept while the database is unreachable; more are dropped. */
  maxQueued?: number;
  /** Longest wait between attempts while the database is unreachable (milliseconds). */
  retryMaxMs?: number;
}

export interface WriterStats {
  written: number;
  dropped: number;
  /** Statements that succeeded. */
  flushes: number;
  /** Attempts that failed (the rows stayed queued). */
  failedFlushes: number;
}

interface Item {
  row: BatchRow;
  status?: { id: string; status: MonitorStatus; since: string; reason: string | null };
}

const isEmpty = (o: object) => Object.keys(o).length === 0;

/** PostgreSQL text and jsonb cannot hold NUL; a probe may well have read one from a hostile server. */
const withoutNul = (_key: string, value: unknown) =>
  typeof value === 'string' && value.includes('\0') ? value.replaceAll('\0', '\uFFFD') : value;

/** Data errors (class 22), constraint violations (23) and SQL errors (42) will not heal by waiting. */
function isPermanent(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && /^(22|23|42)[0-9A-Z]{3}$/.test(code);
}

export class HeartbeatWriter {
  readonly stats: WriterStats = { written: 0, dropped: 0, flushes: 0, failedFlushes: 0 };
  readonly #queue: Item[] = [];
  #head = 0;
  readonly #opts: Required<WriterOptions>;
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> | undefined;
  #running = false;
  #retryMs = 0;
  #outageSince: number | undefined;
  #lastDropLog = 0;

  constructor(
    private readonly orm: Orm,
    private readonly log: Logger,
    opts: WriterOptions = {},
  ) {
    this.#opts = { flushIntervalMs: 250, batchSize: 2_000, maxQueued: 100_000, retryMaxMs: 5_000, ...opts };
  }

  /** Results waiting to be written. */
  get queued(): number {
    return this.#queue.length - this.#head;
  }

  /** Queues one heartbeat (and the status change it caused). False when dropped: the queue is full. */
  enqueue(hb: HeartbeatRecord, status?: StatusRecord): boolean {
    if (this.queued >= this.#opts.maxQueued) {
      this.stats.dropped++;
      const now = Date.now();
      if (now - this.#lastDropLog > 10_000) {
        this.#lastDropLog = now;
        this.log.error({ dropped: this.stats.dropped, queued: this.queued }, 'heartbeat queue full: results are being dropped');
      }
      return false;
    }
    this.#queue.push({
      row: {
        monitor_id: hb.monitorId,
        at: hb.at.toISOString(),
        latency_ms: hb.latencyMs,
        ok: hb.ok,
        status: hb.status,
        error_code: hb.error?.code ?? null,
        error_message: hb.error?.message ?? null,
        timings: isEmpty(hb.timings) ? null : hb.timings,
        metadata: isEmpty(hb.metadata) ? null : hb.metadata,
        interval_seconds: hb.intervalSeconds,
      },
      status: status && { id: status.monitorId, status: status.status, since: status.since.toISOString(), reason: status.reason },
    });
    if (this.#running && this.queued >= this.#opts.batchSize && !this.#flushing && this.#retryMs === 0) this.#schedule(0);
    return true;
  }

  start(): void {
    this.#running = true;
    this.#schedule(this.#opts.flushIntervalMs);
  }

  /** Stops the ticks and writes what is queued, trying for up to `timeoutMs`. */
  async stop(timeoutMs = 10_000): Promise<void> {
    this.#running = false;
    clearTimeout(this.#timer);
    const deadline = Date.now() + timeoutMs;
    while (this.queued > 0 && Date.now() < deadline) {
      let timer: NodeJS.Timeout | undefined;
      // An unreachable database can keep a flush waiting for a connection far longer than we may.
      const timeUp = new Promise<void>((r) => (timer = setTimeout(r, Math.max(0, deadline - Date.now()))));
      try {
        await Promise.race([this.flush(), timeUp]);
      } catch {
        await new Promise((r) => setTimeout(r, Math.min(500, Math.max(0, deadline - Date.now()))));
      } finally {
        clearTimeout(timer);
      }
    }
    if (this.queued > 0) this.log.error({ lost: this.queued }, 'stopped with heartbeats the database did not take');
  }

  /** Writes everything queued now; rejects if the database refuses (the rows stay queued). */
  async flush(): Promise<void> {
    while (this.#flushing) await this.#flushing.catch(() => {});
    const run = (async () => {
      while (this.queued > 0) await this.#writeBatch();
    })();
    this.#flushing = run;
    try {
      await run;
    } finally {
      this.#flushing = undefined;
    }
  }

  #schedule(ms: number): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#tick(), ms);
  }

  async #tick(): Promise<void> {
    try {
      await this.flush();
      if (this.#outageSince !== undefined) {
        this.log.info({ downMs: Date.now() - this.#outageSince, written: this.stats.written }, 'database reachable again; queued heartbeats written');
        this.#outageSince = undefined;
      }
      this.#retryMs = 0;
    } catch (err) {
      this.stats.failedFlushes++;
      if (this.#outageSince === undefined) {
        this.#outageSince = Date.now();
        this.log.warn({ err: (err as Error).message, queued: this.queued }, 'cannot write heartbeats; keeping them queued and retrying');
      }
      this.#retryMs = Math.min(this.#opts.retryMaxMs, Math.max(250, this.#retryMs * 2));
    }
    if (this.#running) this.#schedule(this.#retryMs || this.#opts.flushIntervalMs);
  }

  async #writeBatch(): Promise<void> {
    const end = Math.min(this.#queue.length, this.#head + this.#opts.batchSize);
    const items = this.#queue.slice(this.#head, end);
    // The last change per monitor wins: a batch may hold up → down → up of one monitor.
    const statuses = new Map<string, NonNullable<Item['status']>>();
    for (const item of items) if (item.status) statuses.set(item.status.id, item.status);
    try {
      await run(this.orm.em.fork(), WRITE_BATCH, [JSON.stringify(items.map((i) => i.row), withoutNul), JSON.stringify([...statuses.values()], withoutNul)]);
    } catch (err) {
      if (!isPermanent(err)) throw err;
      this.log.error({ err, rows: items.length }, 'the database refused a heartbeat batch; dropping it');
      this.stats.dropped += items.length;
      this.#advance(end);
      return;
    }
    this.stats.flushes++;
    this.stats.written += items.length;
    this.#advance(end);
  }

  /** Drops written items from the head; compacts now and then instead of shifting per item. */
  #advance(end: number): void {
    this.#head = end;
    if (this.#head > 10_000 || this.#head === this.#queue.length) {
      this.#queue.splice(0, this.#head);
      this.#head = 0;
    }
  }
}
