import { Migration } from '@mikro-orm/migrations';

/**
 * A custom domain is served only once its owner proved it: a TXT record `_pingpage.<domain>`
 * holding the page's token. Typing a domain is only a claim, so claims may repeat; one page at
 * most holds a domain verified. Domains claimed before this migration start unverified.
 */
export class Migration20261207000011SecretsDomains extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      ALTER TABLE status_pages
        ADD COLUMN domain_token text NOT NULL DEFAULT 'pingpage-verify-' || replace(gen_random_uuid()::text, '-', ''), -- what the TXT record must hold; one per page
        ADD COLUMN domain_verified_at timestamptz,         -- when the record was found; null: the domain is not served
        ADD COLUMN domain_checked_at timestamptz,          -- the last look-up (Verify, or the daily check)
        ADD COLUMN domain_failures integer NOT NULL DEFAULT 0, -- daily checks in a row that found no token (2 unverify)
        ADD COLUMN domain_error text;                      -- what the last look-up found wrong; null after a success
      DROP INDEX status_pages_custom_domain_key;
      CREATE UNIQUE INDEX status_pages_verified_domain_key ON status_pages (lower(custom_domain)) WHERE domain_verified_at IS NOT NULL;
      CREATE INDEX status_pages_domain_due_idx ON status_pages (domain_checked_at) WHERE custom_domain IS NOT NULL;
    `);
  }
}
