/** Alert policy input (API.md: a monitor's `alerts`), validated once at the boundary. */
import { z } from 'zod';
import type { AlertPolicy } from '../../../contracts/alerting.js';

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
