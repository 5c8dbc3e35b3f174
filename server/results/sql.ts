/** The writer's one statement: heartbeats, the three rollups and status changes, atomically. */
import type { HeartbeatRow, Selected } from './entities.js';

/** The column a property is stored in, by the naming the entities use: `latencyMs` → `latency_ms`. */
type Column<K extends string> = K extends `${infer H}${infer T}` ? `${H extends Lowercase<H> ? H : `_${Lowercase<H>}`}${Column<T>}` : K;
type Columns<T> = { [K in keyof T & string as Column<K>]: T[K] };

/**
 * A batch row as json_to_recordset reads it (BATCH_COLUMNS): a heartbeat by its column names, its
 * time as ISO text, and the monitor's interval when it ran (seconds, monitors.interval_seconds).
 */
export type BatchRow = Columns<Selected<Pick<HeartbeatRow, 'monitorId' | 'at' | 'latencyMs' | 'ok' | 'status' | 'errorCode' | 'errorMessage' | 'timings' | 'metadata'>>> & {
  interval_seconds: number;
};

/** The columns a batch row carries, as json_to_recordset reads them. */
export const BATCH_COLUMNS =
  'monitor_id uuid, at timestamptz, latency_ms real, ok boolean, status text, error_code text, error_message text, timings jsonb, metadata jsonb, interval_seconds integer';

/**
 * Adds one batch to a rollup table. Buckets are UTC; failures are checks whose status was down,
 * and latency is summed over the checks that were not (a timeout's duration is not a latency).
 * up_seconds and down_seconds follow uptime.ts's rule (countsAs): passed while up or degraded,
 * and down.
 */
function rollup(table: string, unit: 'minute' | 'hour' | 'day'): string {
  return `INSERT INTO ${table} AS r (monitor_id, bucket, checks, failures, degraded, latency_sum, latency_min, latency_max, up_seconds, down_seconds)
    SELECT monitor_id, date_trunc('${unit}', at, 'UTC'), count(*), count(*) FILTER (WHERE status = 'down'),
      count(*) FILTER (WHERE status = 'degraded'), coalesce(sum(latency_ms) FILTER (WHERE status <> 'down'), 0),
      min(latency_ms) FILTER (WHERE status <> 'down'), max(latency_ms) FILTER (WHERE status <> 'down'),
      coalesce(sum(span) FILTER (WHERE ok AND status IN ('up', 'degraded')), 0), coalesce(sum(span) FILTER (WHERE status = 'down'), 0)
    FROM spans GROUP BY 1, 2
    ON CONFLICT (monitor_id, bucket) DO UPDATE SET
      checks = r.checks + excluded.checks,
      failures = r.failures + excluded.failures,
      degraded = r.degraded + excluded.degraded,
      latency_sum = r.latency_sum + excluded.latency_sum,
      latency_min = least(r.latency_min, excluded.latency_min),
      latency_max = greatest(r.latency_max, excluded.latency_max),
      up_seconds = r.up_seconds + excluded.up_seconds,
      down_seconds = r.down_seconds + excluded.down_seconds`;
}

/**
 * Parameters: the batch rows as one JSON array, then the status changes as one (at most one per
 * monitor). A status change never overwrites a newer one, nor a pause made meanwhile.
 *
 * `spans` gives each check the seconds it covers (uptime.ts spanSeconds): since the check before
 * it, in this batch or already stored (one index probe per monitor and batch), at most the
 * monitor's interval; a whole interval when there is none (least() skips a NULL).
 */
export const WRITE_BATCH = `
  WITH batch AS (SELECT * FROM json_to_recordset(?::json) AS b(${BATCH_COLUMNS})),
  raw AS (
    INSERT INTO heartbeats (monitor_id, at, latency_ms, ok, status, error_code, error_message, timings, metadata)
    SELECT monitor_id, at, latency_ms, ok, status, error_code, error_message, timings, metadata FROM batch
  ),
  ordered AS (
    SELECT b.*, lag(b.at) OVER (PARTITION BY b.monitor_id ORDER BY b.at) AS previous_in_batch FROM batch b
  ),
  spans AS (
    SELECT o.*, greatest(0, least(o.interval_seconds, floor(extract(epoch FROM o.at)) - floor(extract(epoch FROM
      coalesce(o.previous_in_batch, (SELECT max(h.at) FROM heartbeats h WHERE h.monitor_id = o.monitor_id AND h.at < o.at))))))::integer AS span
    FROM ordered o
  ),
  minute AS (${rollup('heartbeat_rollups_minute', 'minute')}),
  hour AS (${rollup('heartbeat_rollups_hour', 'hour')}),
  day AS (${rollup('heartbeat_rollups_day', 'day')}),
  statuses AS (
    UPDATE monitors m SET status = s.status, status_since = s.since, status_reason = s.reason
    FROM json_to_recordset(?::json) AS s(id uuid, status text, since timestamptz, reason text)
    WHERE m.id = s.id AND NOT m.paused AND m.status_since <= s.since
  )
  SELECT 1`;
