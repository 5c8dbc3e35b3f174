/**
 * Maintenance windows as time passes: which monitors are inside one right now (asked
 * synchronously by the evaluator and alerting), and `started`/`ended` events at each window's
 * edges. Windows are read from the database on every write and once a minute (another node's
 * writes); the edges themselves come from a timer on the injected clock.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { Bus, type EventBus } from '../bus.js';
import { rows } from '../db/sql.js';
import type { Logger } from '../log.js';
import type { Clock } from '../scheduler/clock.js';

/** Asked, synchronously, whether a monitor is inside a maintenance window at `at` (epoch ms). */
export interface MaintenanceLookup {
  isInMaintenance(monitorId: string, at?: number): boolean;
}

export interface MaintenanceWindow {
  id: string;
  orgId: string;
  title: string;
  /** Epoch ms. */
  startsAt: number;
  /** Epoch ms (exclusive). */
  endsAt: number;
  /** The monitors named, plus the monitors of the components named. */
  monitorIds: ReadonlySet<string>;
  /** Pages that announce the window. */
  pageIds: string[];
}

/** A window's edges, on the server's bus (server/events.ts). */
export interface ScheduleEventMap {
  'maintenance:started': MaintenanceWindow;
  'maintenance:ended': MaintenanceWindow;
}

export class MaintenanceSchedule implements MaintenanceLookup {
  #windows: MaintenanceWindow[] = [];
  /** Windows announced as started and not yet as ended. */
  #active = new Map<string, MaintenanceWindow>();
  #timer: unknown;
  #lastReload = 0;
  #stopped = false;

  constructor(
    private readonly deps: {
      em: () => EntityManager;
      clock: Clock;
      log: Logger;
      /** How often windows are re-read from the database, ms. */
      reloadEveryMs?: number;
      /** Where the edges go (the server's bus); a bus of its own when absent. */
      events?: EventBus<ScheduleEventMap>;
    },
  ) {
    this.#events = deps.events ?? new Bus<ScheduleEventMap>(deps.log);
  }

  readonly #events: EventBus<ScheduleEventMap>;

  /** Listens to a window's start or end (`maintenance:started`/`maintenance:ended` on the bus); returns the unsubscribe. */
  on(edge: 'started' | 'ended', listener: (w: MaintenanceWindow) => void): () => void {
    return this.#events.on(edge === 'started' ? 'maintenance:started' : 'maintenance:ended', listener);
  }

  async start(): Promise<void> {
    await this.reload();
  }

  stop(): void {
    this.#stopped = true;
    this.deps.clock.clearTimeout(this.#timer);
  }

  isInMaintenance(monitorId: string, at: number = this.deps.clock.now()): boolean {
    return this.#windows.some((w) => w.startsAt <= at && at < w.endsAt && w.monitorIds.has(monitorId));
  }

  /** Every monitor inside a window at `at`: at startup, a monitor stored as `maintenance` but not in here is out of it. */
  monitorsInMaintenance(at: number = this.deps.clock.now()): Set<string> {
    return new Set(this.activeAt(at).flatMap((w) => [...w.monitorIds]));
  }

  /** Windows in progress at `at` (epoch ms). */
  activeAt(at: number = this.deps.clock.now()): MaintenanceWindow[] {
    return this.#windows.filter((w) => w.startsAt <= at && at < w.endsAt);
  }

  /** Re-reads the windows that have not ended, then announces edges. A failed read keeps the old list. */
  async reload(): Promise<void> {
    const now = this.deps.clock.now();
    try {
      const list = await rows<{ id: string; org_id: string; title: string; starts_at: Date; ends_at: Date; monitor_ids: string[]; page_ids: string[] }>(
        this.deps.em(),
        `SELECT m.id, m.org_id, m.title, m.starts_at, m.ends_at,
           ARRAY(SELECT mm.monitor_id::text FROM maintenance_monitors mm WHERE mm.maintenance_id = m.id
                 UNION SELECT cm.monitor_id::text FROM maintenance_components mc
                   JOIN status_component_monitors cm ON cm.component_id = mc.component_id WHERE mc.maintenance_id = m.id) AS monitor_ids,
           ARRAY(SELECT mp.page_id::text FROM maintenance_pages mp WHERE mp.maintenance_id = m.id) AS page_ids
         FROM maintenances m WHERE m.ends_at > ? ORDER BY m.starts_at`,
        [new Date(now)],
      );
      this.#windows = list.map((w) => ({
        id: w.id,
        orgId: w.org_id,
        title: w.title,
        startsAt: new Date(w.starts_at).getTime(),
        endsAt: new Date(w.ends_at).getTime(),
        monitorIds: new Set(w.monitor_ids),
        pageIds: w.page_ids,
      }));
      this.#lastReload = now;
    } catch (err) {
      this.deps.log.warn({ err: (err as Error).message }, 'maintenance: could not read windows; keeping the current list');
    }
    this.#tick();
  }

  /** Announces windows that started or ended (or changed while running), then waits for the next edge. */
  #tick(): void {
    if (this.#stopped) return;
    this.deps.clock.clearTimeout(this.#timer);
    const now = this.deps.clock.now();
    const active = new Map(this.activeAt(now).map((w) => [w.id, w]));
    for (const [id, was] of this.#active) {
      const is = active.get(id);
      if (!is || !sameMonitors(is, was)) {
        this.#active.delete(id);
        this.#events.emit('maintenance:ended', was);
      }
    }
    for (const [id, w] of active) {
      if (!this.#active.has(id)) {
        this.#active.set(id, w);
        this.#events.emit('maintenance:started', w);
      } else this.#active.set(id, w);
    }
    const reloadEvery = this.deps.reloadEveryMs ?? 60_000;
    let next = this.#lastReload + reloadEvery;
    for (const w of this.#windows) {
      if (w.startsAt > now) next = Math.min(next, w.startsAt);
      if (w.endsAt > now) next = Math.min(next, w.endsAt);
    }
    this.#timer = this.deps.clock.setTimeout(() => {
      if (this.deps.clock.now() >= this.#lastReload + reloadEvery) void this.reload();
      else this.#tick();
    }, Math.max(0, next - now));
  }
}

function sameMonitors(a: MaintenanceWindow, b: MaintenanceWindow): boolean {
  return a.monitorIds.size === b.monitorIds.size && [...a.monitorIds].every((m) => b.monitorIds.has(m));
}
