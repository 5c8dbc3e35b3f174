/**
 * Alerting as the API answers it: alert policies, notification channels, test sends and the
 * delivery log (server/alerting/ writes them). The certificate thresholds are in certificates.ts
 * (re-exported here), which the dashboard bundles without zod.
 */
import { z } from 'zod';
import { Id, Time } from './wire.js';

export { CERT_THRESHOLDS } from './certificates.js';

/** The policy alerting decides with: a monitor's own, or its organization's default (GET …/alert-defaults). */
export const AlertPolicy = z
  .object({
    channelIds: z.array(Id),
    remindEveryMinutes: z.number().int().nullable().describe('Minutes between reminders while down; null: no reminders'),
    onDegraded: z.boolean().describe('Also alert when degraded (slow, certificate near expiry)'),
    flapping: z
      .object({ changes: z.number().int(), windowMinutes: z.number().int() })
      .describe('More than `changes` status changes within `windowMinutes` is flapping'),
  })
  .meta({ id: 'AlertPolicy' });
export type AlertPolicy = z.infer<typeof AlertPolicy>;

/** A monitor's `alerts` as the API answers them. */
export const PolicyJson = AlertPolicy.extend({
  inherited: z.boolean().describe('True when the monitor has no policy of its own and follows the org default'),
}).meta({ id: 'MonitorAlertPolicy' });
export type PolicyJson = z.infer<typeof PolicyJson>;

/** Why something failed: a stable SNAKE_CASE code and a sentence. */
const SendProblem = z.object({ code: z.string(), message: z.string() });

/** How a channel's latest finished delivery went (tests sent from the dashboard are not kept). */
export const LastDelivery = z.object({
  at: Time.describe('When it was delivered, or when the last attempt failed'),
  ok: z.boolean(),
  event: z.string().describe('e.g. `monitor.down`, `incident.updated`'),
  error: SendProblem.optional(),
});
export type LastDelivery = z.infer<typeof LastDelivery>;

/** A channel's own texts; a part left out uses the built-in text of each event. */
export const ChannelTemplate = z.object({
  subject: z.string().optional().describe('One line: the title, the e-mail subject'),
  body: z.string().optional().describe('The message text'),
});
export type ChannelTemplate = z.infer<typeof ChannelTemplate>;

/** GET /orgs/:org/notification-channels/:id. */
export const ChannelJson = z
  .object({
    id: Id,
    name: z.string(),
    notifier: z.string().describe("The notifier plugin's id, e.g. `webhook`, `slack`"),
    config: z.record(z.string(), z.unknown()).describe("The notifier's config; secrets (writeOnly fields of its schema) read \"********\""),
    template: ChannelTemplate.nullable(),
    enabled: z.boolean().describe('A disabled channel is sent nothing (tests still go out)'),
    signed: z.boolean().describe('Deliveries carry an HMAC signature; the secret was shown once, at creation or rotation'),
    createdAt: Time,
    updatedAt: Time,
    lastDelivery: LastDelivery.nullable().describe('The latest alert it delivered or gave up on; null before any'),
    usedForAllMonitors: z.boolean().describe("In the org's default alert policy: every monitor without a policy of its own alerts through it"),
  })
  .meta({ id: 'NotificationChannel' });
export type ChannelJson = z.infer<typeof ChannelJson>;

/** A created or changed channel: the only answers that may hold the signing secret. */
export const ChannelWithSecret = ChannelJson.extend({
  secret: z.string().optional().describe('The signing secret, only when it was just made (a signed notifier created, or rotateSecret): shown this once'),
}).meta({ id: 'NotificationChannelWithSecret' });
export type ChannelWithSecret = z.infer<typeof ChannelWithSecret>;

/** POST …/notification-channels/:id/test: how one send went. */
export const SendOutcome = z
  .object({
    ok: z.boolean(),
    error: SendProblem.optional().describe('Why ok is false: a stable code (HTTP_STATUS, TIMEOUT, TARGET_FORBIDDEN…) and a text'),
    status: z.number().int().optional().describe("The receiver's HTTP status (or SMTP reply code), when it answered at all"),
    retryable: z.boolean().optional().describe('false: real alerts would not be retried either; the channel needs fixing'),
    retryAfterMs: z.number().optional().describe('Milliseconds the receiver asked to wait (HTTP 429 Retry-After)'),
    durationMs: z.number().describe('Milliseconds the send took'),
  })
  .meta({ id: 'SendOutcome' });
export type SendOutcome = z.infer<typeof SendOutcome>;

export const DELIVERY_STATES = ['pending', 'sending', 'delivered', 'failed'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

/** One entry of GET /orgs/:org/monitors/:id/alerts: an alert to one channel and how its delivery went. */
export const DeliveryJson = z
  .object({
    id: Id,
    at: Time.describe('The last attempt, or the queueing when none was made yet'),
    channelId: Id.nullable().describe('null: the channel was deleted'),
    event: z.string().describe('`monitor.down`, `monitor.up`, `monitor.degraded`, `monitor.flapping`, …'),
    state: z.enum(DELIVERY_STATES),
    ok: z.boolean(),
    attempts: z.number().int().describe('Sends started so far'),
    error: SendProblem.optional().describe('Why the last attempt failed'),
    reminder: z.number().int().optional().describe('1, 2, … when a `monitor.down` is a reminder of an ongoing outage'),
    certificateDaysLeft: z.number().int().optional().describe('Days the certificate had left, when a `monitor.degraded` warns of it'),
  })
  .meta({ id: 'AlertDelivery' });
export type DeliveryJson = z.infer<typeof DeliveryJson>;
