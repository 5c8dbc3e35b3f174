/**
 * Alerting listens to the rest of the server: monitoring's status changes and heartbeats, and
 * the incidents' and maintenance windows' events. Each handler catches its own failure (a
 * lost status change is caught up by the sweep; announcements are idempotent, so a sweep or a
 * second event sends nothing twice). Answers the function that stops listening.
 */
import type { IncidentEvents, IncidentEventMap } from '../incidents/events.js';
import type { Logger } from '../log.js';
import type { MonitoringEvents } from '../monitors/events.js';
import type { Alerting } from './index.js';
import type { MaintenanceEvent } from './subscribers/announce.js';

const MAINTENANCE: Record<IncidentEventMap['maintenance']['event'], MaintenanceEvent | undefined> = {
  'maintenance.created': 'maintenance.scheduled',
  // Rescheduled or reworded: subscribers hear about it again (one notice per edit).
  'maintenance.updated': 'maintenance.scheduled',
  'maintenance.deleted': undefined,
  'maintenance.started': 'maintenance.started',
  'maintenance.ended': 'maintenance.completed',
};

export function connectAlerting(alerting: Alerting, sources: { monitoring: MonitoringEvents; incidents?: IncidentEvents }, log: Logger): () => void {
  const failed = (what: string) => (err: unknown) => log.warn({ err: (err as Error)?.message, what }, 'alerting could not announce an event');
  const off = [
    sources.monitoring.on('monitor:status', (e) => void alerting.onStateChange(e)),
    sources.monitoring.on('heartbeat', (e) => void alerting.onHeartbeat(e)),
  ];
  const incidents = sources.incidents;
  if (incidents) {
    const onIncident = ({ event, incident }: IncidentEventMap['incident']) => {
      if (event === 'incident.deleted') return;
      alerting.announceIncident({ incidentId: incident.id }).catch(failed(event));
    };
    const onMaintenance = ({ event, maintenance }: IncidentEventMap['maintenance']) => {
      const as = MAINTENANCE[event];
      if (as) alerting.announceMaintenance({ maintenanceId: maintenance.id, event: as }).catch(failed(event));
    };
    off.push(incidents.on('incident', onIncident), incidents.on('maintenance', onMaintenance));
  }
  return () => off.forEach((f) => f());
}
