import { Migration } from '@mikro-orm/migrations';

/**
 * Counters of password attempts (logins, password changes, status-page passwords), shared by
 * every server process: taken before bcrypt runs, one atomic upsert per key. UNLOGGED: written on
 * every attempt, worthless after a crash (PostgreSQL empties it then), never worth a WAL write.
 */
export class Migration20261207000009LoginAttempts extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      CREATE UNLOGGED TABLE login_attempts (
        key text PRIMARY KEY,              -- hex SHA-256 of "<limit>|<value>": fixed size, no e-mail or address in clear
        attempts integer NOT NULL,         -- attempts counted since the window began
        expires_at timestamptz NOT NULL,   -- the window's end: the row counts as empty after it, and is deleted
        next_at timestamptz                -- growing-delay limits: when an attempt that is held back may be judged again
      );
      CREATE INDEX login_attempts_expires_idx ON login_attempts (expires_at);
    `);
  }
}
