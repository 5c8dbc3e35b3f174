/** Incidents and maintenance windows as the admin API answers them (server/incidents/ writes them). */
import { z } from 'zod';
import { COMPONENT_STATUSES, IMPACTS, INCIDENT_STATUSES } from './vocab.js';
import { Id, Time } from './wire.js';

export const IncidentUpdateJson = z
  .object({
    id: Id,
    status: z.enum(INCIDENT_STATUSES),
    message: z.string().describe('Markdown'),
    at: Time,
    createdBy: Id.nullable().describe('The user who posted it; null for API keys and automatic updates'),
  })
  .meta({ id: 'IncidentUpdate' });
export type IncidentUpdateJson = z.infer<typeof IncidentUpdateJson>;

export const IncidentJson = z
  .object({
    id: Id,
    title: z.string(),
    impact: z.enum(IMPACTS),
    status: z.enum(INCIDENT_STATUSES),
    autoCreated: z.boolean().describe('Opened by a monitor going down (and resolved when it came back, unless people stepped in)'),
    monitorId: Id.nullable().describe('The monitor of an automatic incident'),
    startedAt: Time,
    resolvedAt: Time.nullable(),
    createdAt: Time,
    updatedAt: Time,
    statusPageIds: z.array(Id),
    components: z.array(z.object({ componentId: Id, status: z.enum(COMPONENT_STATUSES) })),
    updates: z.array(IncidentUpdateJson).describe('Newest first'),
  })
  .meta({ id: 'Incident' });
export type IncidentJson = z.infer<typeof IncidentJson>;

export const MAINTENANCE_STATES = ['scheduled', 'in_progress', 'completed'] as const;
export type MaintenanceState = (typeof MAINTENANCE_STATES)[number];

export const MaintenanceJson = z
  .object({
    id: Id,
    title: z.string(),
    description: z.string().describe('Markdown'),
    startsAt: Time,
    endsAt: Time,
    state: z.enum(MAINTENANCE_STATES).describe("From the server's clock at the time of the answer"),
    monitorIds: z.array(Id),
    componentIds: z.array(Id),
    statusPageIds: z.array(Id),
    createdAt: Time,
    updatedAt: Time,
  })
  .meta({ id: 'Maintenance' });
export type MaintenanceJson = z.infer<typeof MaintenanceJson>;
