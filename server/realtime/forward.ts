import type { MonitoringEvents } from '../monitors/events.js';
import type { Realtime } from './index.js';

/**
 * Monitoring's events, as dashboards get them: the org id routes, it is not sent. The realtime
 * layer decides nothing here; it forwards what the evaluator decided.
 */
export function forwardToDashboards(events: MonitoringEvents, realtime: Realtime): () => void {
  const off = [
    realtime.feed.follow(events),
    events.on('heartbeat', ({ orgId, monitorId, at, status, ok, latencyMs, error }) =>
      realtime.toOrg(orgId, 'heartbeat', { monitorId, at, status, ok, latencyMs, ...(error ? { error } : {}) }),
    ),
    events.on('monitor:status', ({ orgId, monitorId, status, since, reason }) =>
      realtime.toOrg(orgId, 'monitor:status', { monitorId, status, since, ...(reason ? { reason: reason.message } : {}) }),
    ),
    events.on('monitor:upsert', ({ orgId, monitor }) => realtime.toOrg(orgId, 'monitor:upsert', monitor)),
    events.on('monitor:delete', ({ orgId, monitorId }) => realtime.toOrg(orgId, 'monitor:delete', { monitorId })),
  ];
  return () => off.forEach((f) => f());
}
