/** The writer's one statement: heartbeats, the three rollups and status changes, atomically. */

/** The columns a batch row carries, as json_to_recordset reads them. */
export const BATCH_COLUMNS =
  'monitor_id uuid, at timestamptz, latency_ms real, ok boolean, status text, error_code text, error_message text, timings jsonb, metadata jsonb';

/**
 * Adds one batch to a rollup table. Buckets are UTC; failures are checks whose status was down,
 * and latency is summed over the checks that were not (a timeout's duration is not a latency).
 */
function rollup(table: string, unit: 'minute' | 'hour' | 'day'): string {
  return `INSERT INTO ${table} AS r (monitor_id, bucket, checks, failures, degraded, latency_sum, latency_min, latency_max)
    SELECT monitor_id, date_trunc('${unit}', at, 'UTC'), count(*), count(*) FILTER (WHERE status = 'down'),
      count(*) FILTER (WHERE status = 'degraded'), coalesce(sum(latency_ms) FILTER (WHERE status <> 'down'), 0),
      min(latency_ms) FILTER (WHERE status <> 'down'), max(latency_ms) FILTER (WHERE status <> 'down')
    FROM batch GROUP BY 1, 2
    ON CONFLICT (monitor_id, bucket) DO UPDATE SET
      checks = r.checks + excluded.checks,
      failures = r.failures + excluded.failures,
      degraded = r.degraded + excluded.degraded,
      latency_sum = r.latency_sum + excluded.latency_sum,
      latency_min = least(r.latency_min, excluded.latency_min),
      latency_max = greatest(r.latency_max, excluded.latency_max)`;
}

/**
 * Parameters: the batch rows as one JSON array, then the status changes as one (at most one per
 * monitor). A status change never overwrites a newer one, nor a pause made meanwhile.
 */
export const WRITE_BATCH = `
  WITH batch AS (SELECT * FROM json_to_recordset(?::json) AS b(${BATCH_COLUMNS})),
  raw AS (
    INSERT INTO heartbeats (monitor_id, at, latency_ms, ok, status, error_code, error_message, timings, metadata)
    SELECT monitor_id, at, latency_ms, ok, status, error_code, error_message, timings, metadata FROM batch
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
