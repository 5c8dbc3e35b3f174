/**
 * A monitor's recent alert deliveries with the names of their channels. Alerts are queued when
 * the monitor changes status and sent within seconds by the server's worker, so after a change
 * the log is read again a few times, and while a delivery is still pending or being retried.
 */
import { api, ApiError, withQuery } from './api';
import type { AlertDelivery, NotificationChannel } from './types';

/** Deliveries shown (the newest). */
export const ALERT_LOG_SIZE = 20;
/** After a status change: when to read the log again (ms). */
const FOLLOW_MS = [1_000, 3_000, 8_000, 20_000];
/** While a delivery is pending: how often to read the log again (ms). */
const PENDING_MS = 5_000;

export class AlertLog {
  deliveries = $state.raw<AlertDelivery[]>([]);
  channels = $state.raw<Map<string, NotificationChannel>>(new Map());
  loaded = $state(false);
  /** Why the log could not be read; the last good one stays shown. */
  failure = $state<string | null>(null);

  #timers = new Set<ReturnType<typeof setTimeout>>();
  #pendingTimer: ReturnType<typeof setTimeout> | undefined;
  #loading: Promise<void> | undefined;
  #stopped = false;

  constructor(
    readonly orgId: string,
    readonly monitorId: string,
  ) {}

  /** Reads the log (one request at a time); the channels' names with the first one and with any unknown channel. */
  load(): Promise<void> {
    this.#loading ??= this.#load().finally(() => (this.#loading = undefined));
    return this.#loading;
  }

  async #load() {
    try {
      const deliveries = await api<AlertDelivery[]>('GET', withQuery(`/orgs/${this.orgId}/monitors/${this.monitorId}/alerts`, { limit: ALERT_LOG_SIZE }));
      if (!this.loaded || deliveries.some((d) => d.channelId && !this.channels.has(d.channelId))) {
        const list = await api<NotificationChannel[]>('GET', `/orgs/${this.orgId}/notification-channels`);
        this.channels = new Map(list.map((c) => [c.id, c]));
      }
      this.deliveries = deliveries;
      this.failure = null;
    } catch (err) {
      this.failure = err instanceof ApiError ? err.message : String(err);
    } finally {
      this.loaded = true;
    }
    this.#pollWhilePending();
  }

  /** The monitor changed status: its alerts are on their way. */
  follow() {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    for (const ms of FOLLOW_MS) {
      const t = setTimeout(() => {
        this.#timers.delete(t);
        if (!this.#stopped) void this.load();
      }, ms);
      this.#timers.add(t);
    }
  }

  #pollWhilePending() {
    if (this.#stopped || this.#pendingTimer) return;
    if (!this.deliveries.some((d) => d.state === 'pending' || d.state === 'sending')) return;
    this.#pendingTimer = setTimeout(() => {
      this.#pendingTimer = undefined;
      if (!this.#stopped) void this.load();
    }, PENDING_MS);
  }

  stop() {
    this.#stopped = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    clearTimeout(this.#pendingTimer);
  }
}
