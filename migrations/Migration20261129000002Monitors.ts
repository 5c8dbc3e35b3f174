import { Migration } from '@mikro-orm/migrations';

/**
 * Monitors, their raw heartbeats and per-monitor rollups (minute, hour, day).
 * Heartbeats are the largest table by far (millions of rows): no primary key, no foreign key
 * (a deleted monitor's rows are removed by the service and retention), one b-tree for "latest of
 * one monitor" and a BRIN on time for retention, which costs almost nothing to maintain because
 * rows arrive in time order.
 */
export class Migration20261129000002Monitors extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      CREATE TABLE monitors (
        id uuid PRIMARY KEY,
        org_id uuid NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
        name text NOT NULL,
        probe text NOT NULL,                  -- a probe plugin id, e.g. 'http'
        config jsonb NOT NULL,                -- the plugin's config as the user gave it (validated)
        interval_seconds integer NOT NULL,    -- seconds between checks
        timeout_seconds integer NOT NULL,     -- seconds one check may take
        retries integer NOT NULL,             -- failures tolerated before down
        assertions jsonb NOT NULL DEFAULT '[]',
        tags text[] NOT NULL DEFAULT '{}',
        paused boolean NOT NULL DEFAULT false,
        status text NOT NULL DEFAULT 'pending'
          CHECK (status IN ('pending', 'up', 'degraded', 'down', 'paused', 'maintenance')),
        status_since timestamptz NOT NULL DEFAULT now(),
        status_reason text,                   -- 'CODE: message' of the check that set the status
        created_by uuid REFERENCES users (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX monitors_org_idx ON monitors (org_id, created_at);

      CREATE TABLE heartbeats (
        monitor_id uuid NOT NULL,
        at timestamptz NOT NULL,              -- when the check started
        latency_ms real,                      -- milliseconds the whole check took
        ok boolean NOT NULL,                  -- the check passed (after assertions)
        status text NOT NULL,                 -- the monitor's status after this check
        error_code text,                      -- the failure of a failed check, the warning of a passing one
        error_message text,
        timings jsonb,                        -- milliseconds per phase
        metadata jsonb
      );
      CREATE INDEX heartbeats_monitor_at_idx ON heartbeats (monitor_id, at DESC);
      CREATE INDEX heartbeats_at_brin ON heartbeats USING brin (at);

      -- One row per monitor and UTC minute; hour and day tables below have the same shape.
      CREATE TABLE heartbeat_rollups_minute (
        monitor_id uuid NOT NULL,
        bucket timestamptz NOT NULL,          -- start of the UTC minute / hour / day
        checks integer NOT NULL,
        failures integer NOT NULL,            -- checks whose status was down
        degraded integer NOT NULL,            -- checks whose status was degraded (they count as up)
        latency_sum double precision NOT NULL, -- milliseconds, over the checks that were not failures
        latency_min real,                     -- milliseconds; null while every check failed
        latency_max real,
        PRIMARY KEY (monitor_id, bucket)
      ) WITH (fillfactor = 80);
      CREATE INDEX heartbeat_rollups_minute_bucket_brin ON heartbeat_rollups_minute USING brin (bucket);

      -- Rows are updated in place many times per bucket: free space keeps those updates HOT.
      CREATE TABLE heartbeat_rollups_hour (LIKE heartbeat_rollups_minute INCLUDING ALL) WITH (fillfactor = 70);
      CREATE TABLE heartbeat_rollups_day (LIKE heartbeat_rollups_minute INCLUDING ALL) WITH (fillfactor = 70);
    `);
  }
}
