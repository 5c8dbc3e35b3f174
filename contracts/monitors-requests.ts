/**
 * Monitor requests (bodies and queries), validated once at the edge by server/monitors/; defaults
 * live here. The bodies stay a factory: `alerts` is alerting's policy schema, handed in at run
 * time, and a monitor's `config` is checked by the service against its probe plugin's schema.
 */
import { z } from 'zod';
import { page } from './input.js';
import { WINDOW_NAMES, type UptimeWindow } from './uptime.js';

const latencyAssertion = z.strictObject({
  type: z.literal('latency'),
  maxMs: z.number().int().min(1).max(600_000).describe('Longest acceptable check (milliseconds)'),
  severity: z.enum(['warning', 'failure']).default('failure').describe('failure: the check fails; warning: degraded'),
});

export const assertionSchema = z.discriminatedUnion('type', [latencyAssertion]);

const fields = {
  name: z.string().trim().min(1).max(200),
  probe: z.string().min(1).max(40),
  /** Checked against the probe's own schema by the service. */
  config: z.record(z.string(), z.unknown()),
  intervalSeconds: z.number().int().min(10).max(86_400),
  timeoutSeconds: z.number().int().min(1).max(60),
  retries: z.number().int().min(0).max(10),
  assertions: z.array(assertionSchema).max(10),
  tags: z.array(z.string().trim().min(1).max(50)).max(20),
};

const timeoutBelowInterval = { message: 'must be less than intervalSeconds', path: ['timeoutSeconds'] };

/**
 * A monitor's create and update bodies. `alerts` is judged by alerting's policy schema, which
 * main.ts passes in (server/monitors/alerts.ts); without one the field is refused. In an update,
 * `alerts` replaces the monitor's settings as a whole, and `null` makes it follow the org default.
 */
export function monitorBodies(alerts: z.ZodType = z.never()) {
  const create = z
    .strictObject({
      ...fields,
      intervalSeconds: fields.intervalSeconds.default(60),
      timeoutSeconds: fields.timeoutSeconds.optional(),
      retries: fields.retries.default(1),
      assertions: fields.assertions.default([]),
      tags: fields.tags.default([]),
      alerts: alerts.optional(),
    })
    // Default timeout: 10 s, or just under a shorter interval.
    .transform((b) => ({ ...b, timeoutSeconds: b.timeoutSeconds ?? Math.min(10, b.intervalSeconds - 1) }))
    .refine((b) => b.timeoutSeconds < b.intervalSeconds, timeoutBelowInterval);
  const patch = z.strictObject({ ...fields, alerts: alerts.nullable() }).partial();
  return { create, patch };
}

/** The bodies of a server without alerting (tests of monitoring alone). */
export const { create: createMonitorBody, patch: patchMonitorBody } = monitorBodies();
export type CreateMonitorInput = z.output<typeof createMonitorBody>;
export type PatchMonitorInput = z.output<typeof patchMonitorBody>;

/** After merging a patch into the stored monitor. */
export const mergedLimits = z
  .object({ intervalSeconds: z.number(), timeoutSeconds: z.number() })
  .refine((b) => b.timeoutSeconds < b.intervalSeconds, timeoutBelowInterval);

const isoTime = z.iso.datetime({ offset: true }).transform((s) => new Date(s));

export const heartbeatsQuery = z.strictObject({
  from: isoTime.optional().describe('Only checks that started at or after this time'),
  to: isoTime.optional().describe('Only checks that started before this time'),
  limit: page.limit(1_000, 100),
});

export const uptimeQuery = z.strictObject({
  windows: z
    .string()
    .default(WINDOW_NAMES.join(','))
    .transform((s) => [...new Set(s.split(',').map((w) => w.trim()))])
    .pipe(z.array(z.enum(WINDOW_NAMES as [UptimeWindow, ...UptimeWindow[]])).min(1))
    .describe(`Comma-separated windows, of ${WINDOW_NAMES.join(', ')} (default all)`),
});

export const dailyQuery = z.strictObject({
  days: z.coerce.number().int().min(1).max(365).default(90).describe('How many UTC days, today included (1 to 365)'),
});
