import { Migration } from '@mikro-orm/migrations';

/**
 * Settings of the install itself, one row per key: what PingPage did once and must not do again
 * (e.g. `self_monitor`: the monitor of its own /readyz was created, and in which org).
 */
export class Migration20261130000005Instance extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      CREATE TABLE instance_settings (
        key text PRIMARY KEY,
        value jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      );
    `);
  }
}
