/** Notification channel input, validated once at the boundary; the config by its notifier's schema. */
import { z } from 'zod';
import { templateSchema } from '../templates.js';

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
