/**
 * Deletes old history in bounded batches, so retention never holds long locks or bloats one
 * transaction: raw heartbeats after RAW_RETENTION_DAYS, minute rollups after 48 hours (they only
 * serve the start of the 24h window), hour and day rollups after ROLLUP_RETENTION_DAYS.
 */
import type { EntityName, FilterQuery } from '@mikro-orm/postgresql';
import type { Config } from '../config.js';
import type { Orm } from '../db/orm.js';
import type { Logger } from '../log.js';
import { Heartbeat, RollupDay, RollupHour, RollupMinute } from './entities.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Minute rollups are read for at most the last 24 h; two days leaves room for clock and query skew. */
export const MINUTE_ROLLUP_KEEP_MS = 2 * DAY;
const BATCH = 5_000;

export interface RetentionOptions {
  /** Milliseconds between runs. */
  everyMs?: number;
  /** Milliseconds after start before the first run (start-up has other work to do). */
  firstAfterMs?: number;
}

/**
 * Deletes up to BATCH rows of `entity` matching `where`; returns how many. DELETE has no LIMIT:
 * the builder's sub-query picks the batch, and the rows go by physical address (ctid), a TID scan.
 */
async function deleteBatch<T extends object>(orm: Orm, entity: EntityName<T>, where: FilterQuery<T>): Promise<number> {
  const em = orm.em.fork();
  const batch = em.createQueryBuilder(entity, 'old').select('ctid').where(where).limit(BATCH);
  const res: { affectedRows: number } = await em.createQueryBuilder(entity).delete().where('ctid = ANY (ARRAY(?))', [batch.getKnexQuery()]).execute('run');
  return res.affectedRows;
}

/** Deletes every row of `entity` matching `where`, BATCH at a time; returns how many. */
async function deleteOlder<T extends object>(orm: Orm, entity: EntityName<T>, where: FilterQuery<T>, stopped: () => boolean): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await deleteBatch(orm, entity, where);
    total += deleted;
    if (deleted < BATCH || stopped()) return total;
    await new Promise((r) => setTimeout(r, 20)); // let the writer's statements in between
  }
}

export class RetentionJob {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;

  constructor(
    private readonly orm: Orm,
    private readonly config: Pick<Config, 'RAW_RETENTION_DAYS' | 'ROLLUP_RETENTION_DAYS'>,
    private readonly log: Logger,
    private readonly opts: RetentionOptions = {},
  ) {}

  start(): void {
    this.#stopped = false;
    this.#timer = setTimeout(() => this.#loop(), this.opts.firstAfterMs ?? 60_000);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  #loop(): void {
    this.#running = this.runOnce()
      .then((deleted) => {
        if (Object.values(deleted).some((n) => n > 0)) this.log.info({ deleted }, 'retention: old history deleted');
      })
      .catch((err: unknown) => this.log.warn({ err: (err as Error).message }, 'retention run failed; will retry'))
      .finally(() => {
        this.#running = undefined;
        if (!this.#stopped) this.#timer = setTimeout(() => this.#loop(), this.opts.everyMs ?? HOUR);
      });
  }

  /** One pass over every table; returns rows deleted per table. */
  async runOnce(now = Date.now()): Promise<Record<string, number>> {
    const stopped = () => this.#stopped;
    const raw = new Date(now - this.config.RAW_RETENTION_DAYS * DAY);
    const rollups = new Date(now - this.config.ROLLUP_RETENTION_DAYS * DAY);
    return {
      heartbeats: await deleteOlder(this.orm, Heartbeat, { at: { $lt: raw } }, stopped),
      minute: await deleteOlder(this.orm, RollupMinute, { bucket: { $lt: new Date(now - MINUTE_ROLLUP_KEEP_MS) } }, stopped),
      hour: await deleteOlder(this.orm, RollupHour, { bucket: { $lt: rollups } }, stopped),
      day: await deleteOlder(this.orm, RollupDay, { bucket: { $lt: rollups } }, stopped),
    };
  }
}

/** Removes a deleted monitor's history (heartbeats have no foreign key, on purpose: see the migration). */
export async function purgeMonitorHistory(orm: Orm, monitorId: string): Promise<void> {
  const em = orm.em.fork();
  for (const rollup of [RollupMinute, RollupHour, RollupDay]) await em.nativeDelete(rollup, { monitorId });
  for (;;) if ((await deleteBatch(orm, Heartbeat, { monitorId })) < BATCH) return;
}
