/**
 * What monitoring tells the rest of the server: realtime forwards these to dashboards, alerting
 * decides on them. Listeners run synchronously in emit order; one that throws is reported and
 * does not stop the others (or the check that emitted).
 */
import type { ProbeProblem } from '../../plugins/sdk.js';
import type { MonitorJson, MonitorStatus } from '../../contracts/monitors.js';

export interface HeartbeatEvent {
  monitorId: string;
  orgId: string;
  /** ISO time the check started. */
  at: string;
  status: MonitorStatus;
  ok: boolean;
  /** Milliseconds the check took. */
  latencyMs: number;
  error?: ProbeProblem;
  warning?: ProbeProblem;
  /** The probe's facts (certificate days left, status code, …): for the server's listeners, never pushed to clients. */
  metadata?: Record<string, unknown>;
  /** The monitor's interval when it ran, in seconds: the most time one check covers (contracts/uptime.ts). */
  intervalSeconds: number;
}

export interface StatusEvent {
  monitorId: string;
  orgId: string;
  status: MonitorStatus;
  previous: MonitorStatus;
  /** ISO time the new status began. */
  since: string;
  /** The failure or warning that caused it; null for up, and for changes made by people. */
  reason: ProbeProblem | null;
}

export interface MonitoringEventMap {
  heartbeat: HeartbeatEvent;
  'monitor:status': StatusEvent;
  'monitor:upsert': { orgId: string; monitor: MonitorJson };
  'monitor:delete': { orgId: string; monitorId: string };
}

type Listener<T> = (payload: T) => void;

export class MonitoringEvents {
  readonly #listeners = new Map<keyof MonitoringEventMap, Set<Listener<never>>>();

  constructor(private readonly onListenerError: (err: unknown, event: string) => void = () => {}) {}

  /** Subscribes; returns the unsubscribe function. */
  on<K extends keyof MonitoringEventMap>(event: K, listener: Listener<MonitoringEventMap[K]>): () => void {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    set.add(listener as Listener<never>);
    return () => set.delete(listener as Listener<never>);
  }

  emit<K extends keyof MonitoringEventMap>(event: K, payload: MonitoringEventMap[K]): void {
    for (const listener of this.#listeners.get(event) ?? []) {
      try {
        (listener as Listener<MonitoringEventMap[K]>)(payload);
      } catch (err) {
        this.onListenerError(err, event);
      }
    }
  }
}
