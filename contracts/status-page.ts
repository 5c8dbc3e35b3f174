/**
 * What visitors of a public status page get: the JSON at /api/v1/public/status-pages/:slug (also
 * the data `page:update` carries) and the answer to a subscription sign-up. Zod schemas, so the
 * OpenAPI document describes what the server answers; the browser script imports the types only
 * (`import type`), so no zod enters the public page bundle.
 */
import { z } from 'zod';
import { COMPONENT_STATUSES, IMPACTS, INCIDENT_STATUSES } from './vocab.js';
import { Id, Time } from './wire.js';

/** A status page's slug, as its URLs carry it (the server also refuses a few reserved words when a page is named). */
export const Slug = z
  .string()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$/, 'Use 1–60 lowercase letters, digits and dashes, starting and ending with a letter or digit');

export const PublicComponent = z
  .object({
    id: Id,
    name: z.string(),
    description: z.string().nullable(),
    group: z.string().nullable().describe('Heading the component is listed under; null when ungrouped'),
    status: z.enum(COMPONENT_STATUSES),
    uptime90d: z.number().nullable().describe('Percent over the last 90 days (contracts/uptime.ts), as the API\'s 90d; null when hidden or nothing was checked'),
    latencyMs: z.number().nullable().describe('Average response time over the last 24 h in ms; null when hidden or nothing was measured'),
  })
  .meta({ id: 'PublicComponent' });
export type PublicComponent = z.infer<typeof PublicComponent>;

export const PublicIncidentUpdate = z
  .object({
    id: Id,
    status: z.enum(INCIDENT_STATUSES),
    message: z.string().describe('Markdown; render it with the safe subset in contracts/markdown.ts'),
    at: Time,
  })
  .meta({ id: 'PublicIncidentUpdate' });
export type PublicIncidentUpdate = z.infer<typeof PublicIncidentUpdate>;

export const PublicIncident = z
  .object({
    id: Id,
    title: z.string(),
    impact: z.enum(IMPACTS),
    status: z.enum(INCIDENT_STATUSES),
    startedAt: Time,
    resolvedAt: Time.nullable().describe('Null while the incident is open'),
    updatedAt: Time.describe('The latest change'),
    components: z
      .array(z.object({ id: Id, name: z.string(), status: z.enum(COMPONENT_STATUSES) }))
      .describe('Affected components of this page and the status the incident gives them'),
    updates: z.array(PublicIncidentUpdate).describe('Newest first'),
  })
  .meta({ id: 'PublicIncident' });
export type PublicIncident = z.infer<typeof PublicIncident>;

export const PublicMaintenance = z
  .object({
    id: Id,
    title: z.string(),
    description: z.string().describe('Markdown'),
    startsAt: Time,
    endsAt: Time,
    state: z.enum(['scheduled', 'in_progress']),
    components: z.array(z.object({ id: Id, name: z.string() })).describe('Components of this page the window covers (directly or through their monitors)'),
  })
  .meta({ id: 'PublicMaintenance' });
export type PublicMaintenance = z.infer<typeof PublicMaintenance>;

export const PublicPage = z
  .object({
    slug: Slug,
    title: z.string(),
    description: z.string().nullable(),
    overall: z.enum(COMPONENT_STATUSES),
    uptime90d: z
      .number()
      .nullable()
      .describe('Percent over the last 90 days of the monitors of every component showing its uptime, each monitor counted once; null when none does or nothing was checked'),
    updatedAt: Time.describe('The data this answer shows: older than now when the database is unreachable'),
    components: z.array(PublicComponent),
    incidents: z
      .array(PublicIncident)
      .describe('Open incidents ("Current incidents") and those resolved within the last hour (shown as a short "resolved" note, and already in the history); newest first'),
    maintenances: z.array(PublicMaintenance).describe('Windows that have not ended yet, soonest first'),
  })
  .meta({ id: 'PublicPage' });
export type PublicPage = z.infer<typeof PublicPage>;

/** The answer to a sign-up (POST …/subscribers): the same whether the address is new, pending or already subscribed. */
export const SubscribeAnswer = z
  .object({
    status: z.literal('confirmation_sent').describe('A confirmation link was sent (or had been sent recently) to the e-mail address or webhook, unless it is already subscribed'),
  })
  .meta({ id: 'SubscribeAnswer' });
export type SubscribeAnswer = z.infer<typeof SubscribeAnswer>;
