/**
 * The one map of domain events (name → payload) the server's bus carries: each domain declares
 * its own part next to the code that emits it. main.ts makes the one bus and lists who listens.
 */
import type { AuthEventMap } from './auth/events.js';
import { Bus } from './bus.js';
import type { IncidentEventMap } from './incidents/events.js';
import type { ScheduleEventMap } from './incidents/schedule.js';
import type { Logger } from './log.js';
import type { MonitoringEventMap } from './monitors/events.js';

export type DomainEvents = MonitoringEventMap & AuthEventMap & IncidentEventMap & ScheduleEventMap;
export type DomainBus = Bus<DomainEvents>;

export function createBus(log?: Logger): DomainBus {
  return new Bus<DomainEvents>(log);
}
