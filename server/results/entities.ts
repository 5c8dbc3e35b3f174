/**
 * Check results: the raw heartbeats and the per-monitor rollups (minute, hour, day). These are
 * the hot tables; their writes and reads stay hand-written SQL (results/writer.ts, rollups.ts,
 * history reads), typed by these entities' row types.
 */
import { defineEntity, p, type InferEntity } from '@mikro-orm/postgresql';
import type { MonitorStatus, Timings } from '../../contracts/monitors.js';

/**
 * One check. The table deliberately has no primary key and no foreign key (millions of rows,
 * append-only, removed by retention and monitor deletion): the ORM needs an identity, so
 * (monitorId, at) is declared here, and migrations/entities.test.ts compares this table by hand
 * instead of asking for a diff that would add the key.
 */
export const Heartbeat = defineEntity({
  name: 'Heartbeat',
  tableName: 'heartbeats',
  properties: {
    monitorId: p.uuid().primary(),
    /** When the check started. */
    at: p.datetime().primary(),
    /** Milliseconds the whole check took. */
    latencyMs: p.float().nullable(),
    /** The check passed (after assertions). */
    ok: p.boolean(),
    /** The monitor's status after this check. */
    status: p.text().$type<MonitorStatus>(),
    errorCode: p.text().nullable(),
    errorMessage: p.text().nullable(),
    /** Milliseconds per phase of the check (resolve, connect, ...). */
    timings: p.json<Timings>().nullable(),
    metadata: p.json<Record<string, unknown>>().nullable(),
  },
  indexes: [
    { name: 'heartbeats_monitor_at_idx', expression: 'CREATE INDEX heartbeats_monitor_at_idx ON heartbeats (monitor_id, at DESC)' },
    { name: 'heartbeats_at_brin', properties: ['at'], type: 'brin' },
  ],
});
export type HeartbeatRow = InferEntity<typeof Heartbeat>;

/** One row per monitor and UTC minute, hour or day: the same shape in three tables. */
function rollup(name: string, tableName: string, brin: string) {
  return defineEntity({
    name,
    tableName,
    properties: {
      monitorId: p.uuid().primary(),
      /** Start of the UTC minute / hour / day. */
      bucket: p.datetime().primary(),
      checks: p.integer(),
      /** Checks whose status was down. */
      failures: p.integer(),
      /** Checks whose status was degraded (they count as up). */
      degraded: p.integer(),
      /** Milliseconds, over the checks that were not failures. */
      latencySum: p.double().$type<number>(),
      latencyMin: p.float().nullable(),
      latencyMax: p.float().nullable(),
      /** Seconds covered by checks that were up / down (see results/uptime.ts). */
      upSeconds: p.integer().default(0),
      downSeconds: p.integer().default(0),
    },
    indexes: [{ name: brin, properties: ['bucket'], type: 'brin' }],
  });
}

export const RollupMinute = rollup('RollupMinute', 'heartbeat_rollups_minute', 'heartbeat_rollups_minute_bucket_brin');
export const RollupHour = rollup('RollupHour', 'heartbeat_rollups_hour', 'heartbeat_rollups_hour_bucket_idx');
export const RollupDay = rollup('RollupDay', 'heartbeat_rollups_day', 'heartbeat_rollups_day_bucket_idx');
export type RollupRow = InferEntity<typeof RollupMinute>;

/**
 * A row of a raw query typed by the entity's row type: the ORM's pg driver leaves timestamps as
 * text (STACK.md), every other column arrives as the entity types it, and a nullable one as null
 * (never undefined). The query aliases columns to the property names (`latency_ms AS "latencyMs"`).
 */
export type Selected<T> = { [K in keyof T]-?: Date extends T[K] ? Exclude<T[K], Date | undefined> | string : Exclude<T[K], undefined> };

export const resultsEntities = [Heartbeat, RollupMinute, RollupHour, RollupDay];
