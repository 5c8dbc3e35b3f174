import { Migration } from '@mikro-orm/migrations';

/**
 * A person's own account events (org_id NULL, target = their user id) read in one index scan;
 * the install's first account recorded once (it is an instance administrator), for installs
 * made before signup recorded it: the oldest account.
 */
export class Migration20261207000008Walls extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      CREATE INDEX audit_log_account_idx ON audit_log (target, id DESC) WHERE org_id IS NULL;
      INSERT INTO instance_settings (key, value)
        SELECT 'first_user', jsonb_build_object('userId', id) FROM users ORDER BY created_at, id LIMIT 1
        ON CONFLICT (key) DO NOTHING;
    `);
  }
}
