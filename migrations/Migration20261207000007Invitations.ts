import { Migration } from '@mikro-orm/migrations';

/**
 * Invitations are accepted through their own secret link: a single-use token stored only as its
 * SHA-256. Invitations made before this have no link anyone knows: they get a hash of random
 * bytes (an admin resends them to issue a real one).
 */
export class Migration20261207000007Invitations extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      ALTER TABLE invitations ADD COLUMN token_hash bytea;
      UPDATE invitations SET token_hash = sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text, 'UTF8'));
      ALTER TABLE invitations ALTER COLUMN token_hash SET NOT NULL;
      ALTER TABLE invitations ADD CONSTRAINT invitations_token_hash_key UNIQUE (token_hash);
      ALTER TABLE invitations ADD COLUMN emailed boolean NOT NULL DEFAULT false;
      ALTER TABLE invitations ADD COLUMN sent_at timestamptz NOT NULL DEFAULT now();
    `);
  }
}
