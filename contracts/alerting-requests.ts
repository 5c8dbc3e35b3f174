/**
 * Alerting requests (bodies and queries): notification channels and their message templates,
 * alert policies (API.md: a monitor's `alerts`), the delivery log's paging and a status page
 * subscriber's sign-up. Validated once at the edge by server/alerting/; a channel's config is
 * checked there against its notifier's own schema.
 */
import { z } from 'zod';
import type { AlertPolicy } from './alerting.js';
import { page } from './input.js';
import { TEMPLATE_FIELDS, TEMPLATE_MAX, unknownFields } from './template-fields.js';

const templateText = (max: number) =>
  z
    .string()
    .max(max)
    .superRefine((t, ctx) => {
      for (const f of unknownFields(t)) {
        ctx.addIssue({ code: 'custom', message: `Unknown field {{${f}}}; known: ${Object.keys(TEMPLATE_FIELDS).join(', ')}`, params: { code: 'UNKNOWN_TEMPLATE_FIELD' } });
      }
    });

/** A channel's own texts; either part falls back to the built-in one. */
export const templateSchema = z.strictObject({
  subject: templateText(TEMPLATE_MAX.subject).optional().describe('One line: the title, the e-mail subject'),
  body: templateText(TEMPLATE_MAX.body).optional().describe('The message text'),
});
export type Template = z.output<typeof templateSchema>;

const name = z.string().trim().min(1).max(100);

const useForAllMonitors = z
  .boolean()
  .describe(
    "Use for every monitor: the channel joins (true) or leaves (false) the organization's default alert policy, which every monitor without a policy of its own follows. Left out when creating: true for the organization's first channel, false after",
  );

export const createChannelBody = z.strictObject({
  name,
  notifier: z.string().min(1).max(40),
  /** Checked against the notifier's own schema by the service. */
  config: z.record(z.string(), z.unknown()),
  template: templateSchema.nullable().default(null),
  enabled: z.boolean().default(true),
  useForAllMonitors: useForAllMonitors.optional(),
});
export type CreateChannelInput = z.output<typeof createChannelBody>;

export const patchChannelBody = z.strictObject({
  name: name.optional(),
  /** The whole config; secrets left out or sent back masked keep their stored values. */
  config: z.record(z.string(), z.unknown()).optional(),
  template: templateSchema.nullable().optional(),
  enabled: z.boolean().optional(),
  useForAllMonitors: useForAllMonitors.optional(),
  /** Replace the signing secret; the new one is in this answer only. */
  rotateSecret: z.literal(true).optional(),
});
export type PatchChannelInput = z.output<typeof patchChannelBody>;

export const flappingSchema = z.strictObject({
  changes: z.number().int().min(2).max(100).default(4).describe('More status changes than this within the window is flapping'),
  windowMinutes: z.number().int().min(1).max(1440).default(30).describe('The window (minutes); also the quiet window: flap damping ends once the monitor has had no status change for this long'),
});

export const alertPolicySchema = z.strictObject({
  channelIds: z.array(z.uuid()).max(50).default([]).describe('Notification channels that get this monitor\'s alerts'),
  remindEveryMinutes: z.number().int().min(1).max(10_080).nullable().default(null).describe('Repeat the down alert this often while down (minutes); null: never'),
  onDegraded: z.boolean().default(false).describe('Also alert when degraded (slow, certificate expiring at 30/14/7/1 days left)'),
  flapping: flappingSchema.default({ changes: 4, windowMinutes: 30 }),
});

export type AlertPolicyInput = z.output<typeof alertPolicySchema>;

/** What applies without any policy stored: nobody is told anything. */
export const NO_POLICY: AlertPolicy = { channelIds: [], remindEveryMinutes: null, onDegraded: false, flapping: { changes: 4, windowMinutes: 30 } };

/** GET /orgs/:org/monitors/:id/alerts: how many deliveries, newest first. */
export const logQuery = z.strictObject({ limit: page.limit(500, 100) });

/** A status page subscriber's sign-up: an e-mail address or a webhook, never both. */
export const subscribeBody = z
  .strictObject({
    email: z.email().max(254).optional(),
    webhookUrl: z.url({ protocol: /^https?$/ }).max(2048).optional(),
    componentIds: z.array(z.uuid()).max(100).default([]),
  })
  .refine((b) => (b.email === undefined) !== (b.webhookUrl === undefined), {
    message: 'Give either email or webhookUrl',
    path: ['email'],
    params: { code: 'EMAIL_OR_WEBHOOK' },
  });
export type SubscribeInput = z.output<typeof subscribeBody>;
