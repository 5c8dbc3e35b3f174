import { Migration } from '@mikro-orm/migrations';

/**
 * Uptime becomes a share of checked time (contracts/uptime.ts): each rollup bucket sums the
 * seconds its checks covered, up and down. Buckets written before this migration only counted
 * checks: they are filled as if each check had covered one interval of its monitor, which gives
 * them the figures they had (every check weighed the same).
 */
export class Migration20261207000012Figures extends Migration {
  override async up(): Promise<void> {
    for (const table of ['heartbeat_rollups_minute', 'heartbeat_rollups_hour', 'heartbeat_rollups_day']) {
      this.addSql(`
        ALTER TABLE ${table}
          ADD COLUMN up_seconds integer NOT NULL DEFAULT 0,   -- seconds covered by checks that were up (uptime.ts)
          ADD COLUMN down_seconds integer NOT NULL DEFAULT 0; -- seconds covered by checks that were down
        UPDATE ${table} r SET up_seconds = (r.checks - r.failures) * m.interval_seconds, down_seconds = r.failures * m.interval_seconds
          FROM monitors m WHERE m.id = r.monitor_id;
      `);
    }
  }
}
