/** Monitors as the API answers them and the dashboard edits them (server/monitors/ holds and checks them). */
import { z } from 'zod';
import { PolicyJson } from './alerting.js';
import { WINDOW_NAMES, type UptimeWindow } from './uptime.js';
import { Id, Problem, Time } from './wire.js';

export const STATUSES = ['pending', 'up', 'degraded', 'down', 'paused', 'maintenance'] as const;
/**
 * pending: no result yet; up; degraded: passing with a warning; down: failing past its retries;
 * paused and maintenance are set from outside and no check result changes them.
 */
export type MonitorStatus = (typeof STATUSES)[number];
export const MonitorStatus = z.enum(STATUSES).meta({ id: 'MonitorStatus' });

export const LatencyAssertion = z.object({
  type: z.literal('latency'),
  maxMs: z.number().int().describe('The check must take at most this long (milliseconds)'),
  severity: z.enum(['warning', 'failure']).describe('failure: the check fails; warning: it passes as degraded'),
});
export type LatencyAssertion = z.infer<typeof LatencyAssertion>;

/** Extra conditions on a probe's result, beyond what the probe itself checks. */
export const Assertion = z.discriminatedUnion('type', [LatencyAssertion]);
export type Assertion = z.infer<typeof Assertion>;

/** A monitor as the REST API answers it without alerting (and `monitor:upsert` pushes it). */
export const MonitorJson = z.object({
  id: Id,
  name: z.string(),
  probe: z.string().describe("Probe plugin id, e.g. 'http'"),
  config: z.record(z.string(), z.unknown()).describe("The probe's config; secrets (writeOnly fields of its schema) read \"********\""),
  intervalSeconds: z.number().int(),
  timeoutSeconds: z.number().int(),
  retries: z.number().int(),
  assertions: z.array(Assertion),
  tags: z.array(z.string()),
  paused: z.boolean(),
  status: MonitorStatus,
  statusSince: Time,
  createdAt: Time,
  updatedAt: Time,
});
export type MonitorJson = z.infer<typeof MonitorJson>;

/** A monitor as the REST API answers it: with the alert settings that apply to it (its own or the org's default). */
export const MonitorWithAlerts = MonitorJson.extend({ alerts: PolicyJson }).meta({ id: 'Monitor' });
export type MonitorWithAlerts = z.infer<typeof MonitorWithAlerts>;

/** The phases of one check a probe may time (plugins/sdk.ts hands them to probes). */
export const PHASES = ['resolve', 'connect', 'tls', 'firstByte', 'total'] as const;
export type Phase = (typeof PHASES)[number];
/** Milliseconds spent in each phase of one check; phases a probe has no notion of are absent. */
export const Timings = z
  .object(Object.fromEntries(PHASES.map((p) => [p, z.number().optional()])) as Record<Phase, z.ZodOptional<z.ZodNumber>>)
  .describe('Milliseconds spent in each phase of the check; phases the probe has no notion of are absent');
export type Timings = Partial<Record<Phase, number>>;

/** One check as the history API answers it (GET …/heartbeats, POST …/check). */
export const HeartbeatJson = z
  .object({
    at: Time.describe('When the check started'),
    status: MonitorStatus.describe("The monitor's status after this check"),
    ok: z.boolean(),
    latencyMs: z.number().nullable().describe('Milliseconds the check took'),
    timings: Timings,
    error: Problem.nullable().describe('Why the check failed; null when it passed'),
    warning: Problem.nullable().describe('What needs attention though the check passed (the monitor was degraded); null otherwise'),
    metadata: z.record(z.string(), z.unknown()).describe("The probe's facts of the check (status code, answers, certificate expiry…)"),
  })
  .meta({ id: 'Heartbeat' });
export type HeartbeatJson = z.infer<typeof HeartbeatJson>;

/** GET …/monitors/:id/uptime: percent per window asked for (contracts/uptime.ts); null without checked time. */
export const UptimeJson = z
  .object(Object.fromEntries(WINDOW_NAMES.map((w) => [w, z.number().nullable().optional()])) as Record<UptimeWindow, z.ZodOptional<z.ZodNullable<z.ZodNumber>>>)
  .describe('Percent up per window asked for; null for a window without checked time');
export type UptimeJson = Partial<Record<UptimeWindow, number | null>>;

/** One UTC day of a monitor as GET …/monitors/:id/daily answers it. */
export const DailyBar = z
  .object({
    date: z.iso.date().describe('UTC date, YYYY-MM-DD'),
    uptime: z.number().nullable().describe('Percent (contracts/uptime.ts); null for a day without checked time'),
    checks: z.number().int(),
    avgLatencyMs: z.number().nullable().describe('Mean latency of the checks that were not failures (milliseconds); null when there were none'),
  })
  .meta({ id: 'DailyBar' });
export type DailyBar = z.infer<typeof DailyBar>;
