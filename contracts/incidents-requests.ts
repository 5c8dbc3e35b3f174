/** Incident and maintenance requests (bodies and queries), validated once at the edge by server/incidents/. */
import { z } from 'zod';
import { longText, page, text } from './input.js';
import { COMPONENT_STATUSES, IMPACTS, INCIDENT_STATUSES } from './vocab.js';

/** Longest Markdown message or description (characters). */
export const MESSAGE_MAX = 10_000;

const title = text(200);
const message = longText(MESSAGE_MAX);
const ids = (max: number) => z.array(z.uuid()).max(max);

export const componentStatusInput = z.strictObject({ componentId: z.uuid(), status: z.enum(COMPONENT_STATUSES) });

/** How far ahead of the server's clock an incident's start may be (a person's clock runs fast). */
const STARTED_AT_SKEW_MS = 5 * 60_000;

export const incidentCreate = z.strictObject({
  title,
  impact: z.enum(IMPACTS),
  status: z.enum(INCIDENT_STATUSES).default('investigating'),
  message,
  /** Pages that show it; the pages of `components` are added. */
  statusPageIds: ids(50).default([]),
  components: z.array(componentStatusInput).max(200).default([]),
  /** When it began, if earlier than now (ISO 8601); a few minutes ahead pass as clock skew. */
  startedAt: z.iso
    .datetime({ offset: true })
    .refine((v) => Date.parse(v) <= Date.now() + STARTED_AT_SKEW_MS, { message: 'Cannot be in the future', params: { code: 'IN_THE_FUTURE' } })
    .optional(),
});

export const incidentUpdate = z.strictObject({
  status: z.enum(INCIDENT_STATUSES),
  message,
  /** Statuses to set on affected components (others keep theirs). */
  components: z.array(componentStatusInput).max(200).optional(),
});

export const incidentPatch = z.strictObject({
  title: title.optional(),
  impact: z.enum(IMPACTS).optional(),
  statusPageIds: ids(50).optional(),
  /** Replaces the affected components. */
  components: z.array(componentStatusInput).max(200).optional(),
});

export const updatePatch = z.strictObject({ message });

export const incidentQuery = z.strictObject({
  status: z.enum(['open', 'resolved', 'all']).default('all'),
  limit: page.limit(200, 50),
});

/** Longest maintenance window (ms): longer ones are more likely a typo than a plan. */
export const MAINTENANCE_MAX_MS = 31 * 86_400_000;

const maintenanceFields = {
  title,
  description: longText(MESSAGE_MAX, 0).default(''),
  startsAt: z.iso.datetime({ offset: true }),
  endsAt: z.iso.datetime({ offset: true }),
  monitorIds: ids(500).default([]),
  componentIds: ids(200).default([]),
  statusPageIds: ids(50).default([]),
};

const windowCheck = (v: { startsAt?: string; endsAt?: string }, ctx: z.RefinementCtx) => {
  if (!v.startsAt || !v.endsAt) return;
  const span = Date.parse(v.endsAt) - Date.parse(v.startsAt);
  if (span <= 0) ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'Must be after startsAt', params: { code: 'ENDS_BEFORE_START' } });
  else if (span > MAINTENANCE_MAX_MS) ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'A window lasts at most 31 days', params: { code: 'WINDOW_TOO_LONG' } });
};

export const maintenanceCreate = z.strictObject(maintenanceFields).superRefine(windowCheck);

export const maintenancePatch = z
  .strictObject({
    title: title.optional(),
    description: longText(MESSAGE_MAX, 0).optional(),
    startsAt: maintenanceFields.startsAt.optional(),
    endsAt: maintenanceFields.endsAt.optional(),
    monitorIds: ids(500).optional(),
    componentIds: ids(200).optional(),
    statusPageIds: ids(50).optional(),
  })
  .superRefine(windowCheck);

export const maintenanceQuery = z.strictObject({
  state: z.enum(['scheduled', 'in_progress', 'completed', 'upcoming', 'all']).default('all'),
  limit: page.limit(200, 50),
});

export type IncidentCreate = z.output<typeof incidentCreate>;
export type IncidentUpdate = z.output<typeof incidentUpdate>;
export type IncidentPatch = z.output<typeof incidentPatch>;
export type ComponentStatusInput = z.output<typeof componentStatusInput>;
export type MaintenanceCreate = z.output<typeof maintenanceCreate>;
export type MaintenancePatch = z.output<typeof maintenancePatch>;
