/**
 * Alerting: notification channels, alert policies (per monitor or the org's default), what
 * alerting last made of each monitor, status page subscribers and the delivery outbox.
 * Status pages belong to statuspages/, a domain above this one: referenced by name.
 */
import { defineEntity, p, type InferEntity } from '@mikro-orm/postgresql';
import { Org, User } from '../auth/entities.js';
import { above, fk } from '../db/entity.js';
import { Monitor } from '../monitors/entities.js';
import type { AlertEvent, AlertFacts } from './sdk.js';

export const NotificationChannel = defineEntity({
  name: 'NotificationChannel',
  tableName: 'notification_channels',
  properties: {
    id: p.uuid().primary(),
    org: () => fk(Org, 'notification_channels', 'org_id', 'cascade'),
    name: p.text(),
    /** A notifier plugin id, e.g. 'webhook'. */
    notifier: p.text(),
    /** The plugin's config as validated, secrets included (sealed; never returned). */
    config: p.json<Record<string, unknown>>(),
    /** HMAC key of signed notifiers (webhook); shown once. */
    signingSecret: p.text().nullable(),
    /** {subject?, body?} with {{field}} placeholders; null: the built-in texts. */
    template: p.json<{ subject?: string; body?: string }>().nullable(),
    enabled: p.boolean().default(true),
    createdBy: () => fk(User, 'notification_channels', 'created_by', 'set null').nullable(),
    createdAt: p.datetime().defaultRaw('now()'),
    updatedAt: p.datetime().defaultRaw('now()'),
  },
  indexes: [{ name: 'notification_channels_org_idx', properties: ['org', 'createdAt'] }],
});
export type NotificationChannelRow = InferEntity<typeof NotificationChannel>;

export const AlertPolicy = defineEntity({
  name: 'AlertPolicy',
  tableName: 'alert_policies',
  properties: {
    id: p.uuid().primary(),
    org: () => fk(Org, 'alert_policies', 'org_id', 'cascade'),
    /** Null: the org's default policy. */
    monitor: () => fk(Monitor, 'alert_policies', 'monitor_id', 'cascade').nullable(),
    /** Minutes between reminders while down; null: none. */
    remindEveryMinutes: p.integer().nullable(),
    /** Also alert on degraded (slow, certificate expiring). */
    onDegraded: p.boolean().default(false),
    /** More status changes than this within the window is flapping. */
    flapChanges: p.integer(),
    flapWindowMinutes: p.integer(),
    updatedAt: p.datetime().defaultRaw('now()'),
  },
  indexes: [
    { name: 'alert_policies_monitor_key', expression: 'CREATE UNIQUE INDEX alert_policies_monitor_key ON alert_policies (monitor_id) WHERE monitor_id IS NOT NULL' },
    { name: 'alert_policies_default_key', expression: 'CREATE UNIQUE INDEX alert_policies_default_key ON alert_policies (org_id) WHERE monitor_id IS NULL' },
  ],
  checks: [{ name: 'alert_policies_remind_every_minutes_check', expression: 'remind_every_minutes > 0' }],
});
export type AlertPolicyRow = InferEntity<typeof AlertPolicy>;

export const AlertPolicyChannel = defineEntity({
  name: 'AlertPolicyChannel',
  tableName: 'alert_policy_channels',
  properties: {
    policy: () => fk(AlertPolicy, 'alert_policy_channels', 'policy_id', 'cascade').primary(),
    channel: () => fk(NotificationChannel, 'alert_policy_channels', 'channel_id', 'cascade').primary(),
  },
  indexes: [{ name: 'alert_policy_channels_channel_idx', properties: ['channel'] }],
});

/** What alerting last made of each monitor; the row is locked while a change is decided. */
export const AlertState = defineEntity({
  name: 'AlertState',
  tableName: 'alert_states',
  properties: {
    monitor: () => fk(Monitor, 'alert_states', 'monitor_id', 'cascade').primary(),
    /** The last status alerting saw, and when it began. */
    status: p.text(),
    changedAt: p.datetime(),
    /** The state change whose down alert went out and is not yet recovered. */
    downKey: p.text().nullable(),
    downAt: p.datetime().nullable(),
    reminders: p.integer().default(0),
    nextReminderAt: p.datetime().nullable(),
    /** Change times inside the flap window. */
    recentChanges: p.array<Date>((s) => new Date(s), (d) => d.toISOString()).columnType('timestamptz[]').default('{}'),
    /** Set while flapping: down/up alerts are held until stable. */
    flappingSince: p.datetime().nullable(),
    /** Lowest days-left threshold alerted for the current certificate. */
    certDaysSent: p.integer().nullable(),
    updatedAt: p.datetime().defaultRaw('now()'),
  },
  indexes: [
    { name: 'alert_states_reminder_idx', expression: 'CREATE INDEX alert_states_reminder_idx ON alert_states (next_reminder_at) WHERE next_reminder_at IS NOT NULL' },
    { name: 'alert_states_flapping_idx', expression: 'CREATE INDEX alert_states_flapping_idx ON alert_states (flapping_since) WHERE flapping_since IS NOT NULL' },
  ],
});
export type AlertStateRow = InferEntity<typeof AlertState>;

export const StatusSubscriber = defineEntity({
  name: 'StatusSubscriber',
  tableName: 'status_subscribers',
  properties: {
    id: p.uuid().primary(),
    page: () => fk(above('StatusPage'), 'status_subscribers', 'page_id', 'cascade'),
    /** Lowercase; exactly one of email and webhookUrl. */
    email: p.text().nullable(),
    webhookUrl: p.text().nullable(),
    /** Components followed; empty: the whole page. */
    componentIds: p.array().columnType('uuid[]').default('{}'),
    /** HMAC key signing webhook deliveries to this subscriber. */
    secret: p.text(),
    confirmedAt: p.datetime().nullable(),
    /** The last confirmation sent (resends are limited), and how many were sent (idempotency keys). */
    confirmSentAt: p.datetime().nullable(),
    confirmations: p.integer().default(0),
    createdAt: p.datetime(),
  },
  indexes: [
    { name: 'status_subscribers_email_key', expression: 'CREATE UNIQUE INDEX status_subscribers_email_key ON status_subscribers (page_id, email) WHERE email IS NOT NULL' },
    { name: 'status_subscribers_webhook_key', expression: 'CREATE UNIQUE INDEX status_subscribers_webhook_key ON status_subscribers (page_id, webhook_url) WHERE webhook_url IS NOT NULL' },
    { name: 'status_subscribers_unconfirmed_idx', expression: 'CREATE INDEX status_subscribers_unconfirmed_idx ON status_subscribers (created_at) WHERE confirmed_at IS NULL' },
  ],
  checks: [{ name: 'status_subscribers_check', expression: '(email IS NULL) <> (webhook_url IS NULL)' }],
});
export type StatusSubscriberRow = InferEntity<typeof StatusSubscriber>;

export const OUTBOX_STATES = ['pending', 'sending', 'delivered', 'failed'] as const;

export const AlertOutbox = defineEntity({
  name: 'AlertOutbox',
  tableName: 'alert_outbox',
  properties: {
    /** The delivery id receivers dedupe on. */
    id: p.uuid().primary(),
    /** Queue order: a target gets one monitor's alerts in this order. */
    seq: p.bigint('number').autoincrement(),
    /** <state change or announcement>:<event>:<channel or subscriber> */
    idempotencyKey: p.text().unique('alert_outbox_idempotency_key_key'),
    org: () => fk(Org, 'alert_outbox', 'org_id', 'cascade'),
    monitor: () => fk(Monitor, 'alert_outbox', 'monitor_id', 'cascade').nullable(),
    channel: () => fk(NotificationChannel, 'alert_outbox', 'channel_id', 'set null').nullable(),
    subscriber: () => fk(StatusSubscriber, 'alert_outbox', 'subscriber_id', 'cascade').nullable(),
    event: p.text().$type<AlertEvent>(),
    /** What the message is rendered from. */
    facts: p.json<AlertFacts>(),
    state: p.enum([...OUTBOX_STATES]).default('pending'),
    /** Sends started, including one cut short by a crash. */
    attempts: p.integer().default(0),
    /** When a pending row is due; a sending row whose lease passed is due again. */
    nextAttemptAt: p.datetime(),
    leaseUntil: p.datetime().nullable(),
    /** The claim that may finish the row; a stale worker's finish is ignored. */
    claimId: p.uuid().nullable(),
    /** {code, message} of the last failed attempt, and the receiver's HTTP status or SMTP reply. */
    lastError: p.json<{ code: string; message: string }>().nullable(),
    lastStatus: p.integer().nullable(),
    createdAt: p.datetime(),
    lastAttemptAt: p.datetime().nullable(),
    deliveredAt: p.datetime().nullable(),
  },
  indexes: [
    { name: 'alert_outbox_due_idx', expression: "CREATE INDEX alert_outbox_due_idx ON alert_outbox (next_attempt_at) WHERE state = 'pending'" },
    { name: 'alert_outbox_lease_idx', expression: "CREATE INDEX alert_outbox_lease_idx ON alert_outbox (lease_until) WHERE state = 'sending'" },
    { name: 'alert_outbox_open_idx', expression: "CREATE INDEX alert_outbox_open_idx ON alert_outbox ((coalesce(channel_id, subscriber_id)), seq) WHERE state IN ('pending', 'sending')" },
    { name: 'alert_outbox_monitor_idx', expression: 'CREATE INDEX alert_outbox_monitor_idx ON alert_outbox (monitor_id, seq DESC) WHERE monitor_id IS NOT NULL' },
    { name: 'alert_outbox_finished_idx', expression: "CREATE INDEX alert_outbox_finished_idx ON alert_outbox (created_at) WHERE state IN ('delivered', 'failed')" },
    {
      name: 'alert_outbox_channel_finished_idx',
      expression: "CREATE INDEX alert_outbox_channel_finished_idx ON alert_outbox (channel_id, seq DESC) WHERE channel_id IS NOT NULL AND state IN ('delivered', 'failed')",
    },
  ],
  // As PostgreSQL prints it back (the diff compares text): channel_id IS NOT NULL OR subscriber_id IS NOT NULL OR state IN ('delivered', 'failed')
  checks: [{ name: 'alert_outbox_check', expression: "(channel_id IS NOT NULL) OR (subscriber_id IS NOT NULL) OR (state = ANY (ARRAY['delivered'::text, 'failed'::text]))" }],
});
export type AlertOutboxRow = InferEntity<typeof AlertOutbox>;

export const alertingEntities = [NotificationChannel, AlertPolicy, AlertPolicyChannel, AlertState, StatusSubscriber, AlertOutbox];
