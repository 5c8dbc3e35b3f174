import { Migration } from '@mikro-orm/migrations';

/**
 * Alerting: notification channels, alert policies (per monitor, and an org default), the
 * per-monitor alert state, the delivery outbox and status-page subscribers.
 * The outbox is the only way an alert leaves: a state change writes rows (one per channel, unique
 * idempotency key), workers claim due rows with SKIP LOCKED under a lease, and a delivered row
 * is never sent again. Its rows are also the per-monitor delivery log.
 */
export class Migration20261129000004Alerting extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      CREATE TABLE notification_channels (
        id uuid PRIMARY KEY,
        org_id uuid NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
        name text NOT NULL,
        notifier text NOT NULL,                 -- a notifier plugin id, e.g. 'webhook'
        config jsonb NOT NULL,                  -- the plugin's config as validated, secrets included (never returned)
        signing_secret text,                    -- HMAC key of signed notifiers (webhook); shown once
        template jsonb,                         -- {subject?, body?} with {{field}} placeholders; null: built-in texts
        enabled boolean NOT NULL DEFAULT true,
        created_by uuid REFERENCES users (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX notification_channels_org_idx ON notification_channels (org_id, created_at);

      CREATE TABLE alert_policies (
        id uuid PRIMARY KEY,
        org_id uuid NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
        monitor_id uuid REFERENCES monitors (id) ON DELETE CASCADE, -- null: the org's default policy
        remind_every_minutes integer CHECK (remind_every_minutes > 0), -- minutes between reminders while down; null: none
        on_degraded boolean NOT NULL DEFAULT false,  -- also alert on degraded (slow, certificate expiring)
        flap_changes integer NOT NULL,               -- more status changes than this within the window is flapping
        flap_window_minutes integer NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX alert_policies_monitor_key ON alert_policies (monitor_id) WHERE monitor_id IS NOT NULL;
      CREATE UNIQUE INDEX alert_policies_default_key ON alert_policies (org_id) WHERE monitor_id IS NULL;

      CREATE TABLE alert_policy_channels (
        policy_id uuid NOT NULL REFERENCES alert_policies (id) ON DELETE CASCADE,
        channel_id uuid NOT NULL REFERENCES notification_channels (id) ON DELETE CASCADE,
        PRIMARY KEY (policy_id, channel_id)
      );
      CREATE INDEX alert_policy_channels_channel_idx ON alert_policy_channels (channel_id);

      -- What alerting last made of each monitor; the row is locked while a change is decided.
      CREATE TABLE alert_states (
        monitor_id uuid PRIMARY KEY REFERENCES monitors (id) ON DELETE CASCADE,
        status text NOT NULL,                   -- the last status alerting saw
        changed_at timestamptz NOT NULL,        -- when that status began
        down_key text,                          -- the state change whose down alert went out and is not yet recovered
        down_at timestamptz,                    -- when that outage began
        reminders integer NOT NULL DEFAULT 0,   -- reminders sent for down_key
        next_reminder_at timestamptz,
        recent_changes timestamptz[] NOT NULL DEFAULT '{}', -- change times inside the flap window
        flapping_since timestamptz,             -- set while flapping: down/up alerts are held until stable
        cert_days_sent integer,                 -- lowest days-left threshold alerted for the current certificate
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX alert_states_reminder_idx ON alert_states (next_reminder_at) WHERE next_reminder_at IS NOT NULL;
      CREATE INDEX alert_states_flapping_idx ON alert_states (flapping_since) WHERE flapping_since IS NOT NULL;

      CREATE TABLE status_subscribers (
        id uuid PRIMARY KEY,
        page_id uuid NOT NULL REFERENCES status_pages (id) ON DELETE CASCADE,
        email text,                             -- lowercase; exactly one of email and webhook_url
        webhook_url text,
        component_ids uuid[] NOT NULL DEFAULT '{}', -- components followed; empty: the whole page
        secret text NOT NULL,                   -- HMAC key signing webhook deliveries to this subscriber
        confirmed_at timestamptz,               -- null until the confirmation link was followed
        confirm_sent_at timestamptz,            -- last confirmation sent (resends are limited)
        confirmations integer NOT NULL DEFAULT 0, -- confirmations sent, for idempotency keys
        created_at timestamptz NOT NULL,
        CHECK ((email IS NULL) <> (webhook_url IS NULL))
      );
      CREATE UNIQUE INDEX status_subscribers_email_key ON status_subscribers (page_id, email) WHERE email IS NOT NULL;
      CREATE UNIQUE INDEX status_subscribers_webhook_key ON status_subscribers (page_id, webhook_url) WHERE webhook_url IS NOT NULL;
      CREATE INDEX status_subscribers_unconfirmed_idx ON status_subscribers (created_at) WHERE confirmed_at IS NULL;

      CREATE TABLE alert_outbox (
        id uuid PRIMARY KEY,                    -- the delivery id receivers dedupe on
        seq bigserial NOT NULL,                 -- queue order: a target gets one monitor's alerts in this order
        idempotency_key text NOT NULL UNIQUE,   -- <state change or announcement>:<event>:<channel or subscriber>
        org_id uuid NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
        monitor_id uuid REFERENCES monitors (id) ON DELETE CASCADE,
        channel_id uuid REFERENCES notification_channels (id) ON DELETE SET NULL,
        subscriber_id uuid REFERENCES status_subscribers (id) ON DELETE CASCADE,
        event text NOT NULL,
        facts jsonb NOT NULL,                   -- what the message is rendered from (AlertFacts)
        state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sending', 'delivered', 'failed')),
        attempts integer NOT NULL DEFAULT 0,    -- sends started, including one cut short by a crash
        next_attempt_at timestamptz NOT NULL,   -- when a pending row is due
        lease_until timestamptz,                -- a sending row whose lease passed is due again
        claim_id uuid,                          -- the claim that may finish the row; a stale worker's finish is ignored
        last_error jsonb,                       -- {code, message} of the last failed attempt
        last_status integer,                    -- the receiver's HTTP status or SMTP reply of the last attempt
        created_at timestamptz NOT NULL,
        last_attempt_at timestamptz,
        delivered_at timestamptz,
        CHECK (channel_id IS NOT NULL OR subscriber_id IS NOT NULL OR state IN ('delivered', 'failed'))
      );
      CREATE INDEX alert_outbox_due_idx ON alert_outbox (next_attempt_at) WHERE state = 'pending';
      CREATE INDEX alert_outbox_lease_idx ON alert_outbox (lease_until) WHERE state = 'sending';
      CREATE INDEX alert_outbox_open_idx ON alert_outbox ((coalesce(channel_id, subscriber_id)), seq) WHERE state IN ('pending', 'sending');
      CREATE INDEX alert_outbox_monitor_idx ON alert_outbox (monitor_id, seq DESC) WHERE monitor_id IS NOT NULL;
      CREATE INDEX alert_outbox_finished_idx ON alert_outbox (created_at) WHERE state IN ('delivered', 'failed');
    `);
  }
}
