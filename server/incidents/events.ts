/**
 * What incidents and maintenance tell the rest of the server: the realtime layer forwards
 * `incident` to dashboards (`incident:upsert`), alerting turns both into notifications
 * (`incident.*`, `maintenance.*`).
 */
import type { EventBus } from '../bus.js';
import type { IncidentEvent as IncidentSummary } from '../../contracts/events.js';

export interface IncidentEventMap {
  incident: { orgId: string; event: 'incident.created' | 'incident.updated' | 'incident.resolved' | 'incident.deleted'; incident: IncidentSummary };
  maintenance: {
    orgId: string;
    event: 'maintenance.created' | 'maintenance.updated' | 'maintenance.deleted' | 'maintenance.started' | 'maintenance.ended';
    maintenance: { id: string; title: string; startsAt: string; endsAt: string; monitorIds: string[] };
  };
}

/** The server's one bus (server/events.ts), as incidents see it. */
export type IncidentEvents = EventBus<IncidentEventMap>;
