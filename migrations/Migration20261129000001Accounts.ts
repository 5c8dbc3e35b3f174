import { Migration } from '@mikro-orm/migrations';

/** People, organizations, roles, server-side sessions, API keys and the audit log. */
export class Migration20261129000001Accounts extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      CREATE TABLE users (
        id uuid PRIMARY KEY,
        email text NOT NULL,
        name text NOT NULL,
        password_hash text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        password_changed_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX users_email_key ON users (lower(email));

      CREATE TABLE orgs (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        members_can_write boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE memberships (
        org_id uuid NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        role text NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (org_id, user_id)
      );
      CREATE INDEX memberships_user_idx ON memberships (user_id);

      CREATE TABLE invitations (
        id uuid PRIMARY KEY,
        org_id uuid NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
        email text NOT NULL,
        role text NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
        invited_by uuid REFERENCES users (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL
      );
      CREATE UNIQUE INDEX invitations_org_email_key ON invitations (org_id, lower(email));
      CREATE INDEX invitations_email_idx ON invitations (lower(email));

      CREATE TABLE sessions (
        id uuid PRIMARY KEY,
        sid_hash bytea NOT NULL UNIQUE,
        user_id uuid REFERENCES users (id) ON DELETE CASCADE,
        data jsonb NOT NULL,
        ip text,
        user_agent text,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL
      );
      CREATE INDEX sessions_user_idx ON sessions (user_id);
      CREATE INDEX sessions_expires_idx ON sessions (expires_at);

      CREATE TABLE api_keys (
        id uuid PRIMARY KEY,
        org_id uuid NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
        name text NOT NULL,
        prefix text NOT NULL,
        key_hash bytea NOT NULL UNIQUE,
        scopes text[] NOT NULL,
        created_by uuid REFERENCES users (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        revoked_at timestamptz
      );
      CREATE INDEX api_keys_org_idx ON api_keys (org_id);

      CREATE TABLE audit_log (
        id bigserial PRIMARY KEY,
        org_id uuid REFERENCES orgs (id) ON DELETE CASCADE,
        actor_user_id uuid REFERENCES users (id) ON DELETE SET NULL,
        actor_key_id uuid REFERENCES api_keys (id) ON DELETE SET NULL,
        action text NOT NULL,
        target text,
        ip text,
        details jsonb,
        at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX audit_log_org_at_idx ON audit_log (org_id, at DESC);
    `);
  }
}
