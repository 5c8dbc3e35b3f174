/**
 * Maintenance windows as time passes: which monitors are inside one right now (asked
 * synchronously by the evaluator and alerting), and `started`/`ended` events at each window's
 * edges. Windows are read from the database on every write and once a minute (another node's
 * writes); the edges themselves come from a timer on the injected clock.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { Bus, type EventBus } from '../bus.js';
import { ComponentMonitorOf, Maintenance, MaintenanceComponent, MaintenanceMonitor, MaintenancePage } from './entities.js';
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
      this.#windows = await readWindows(this.deps.em(), now);
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

/** The windows that have not ended at `now`, by start; their monitors: those named, plus those of the components named. */
async function readWindows(em: EntityManager, now: number): Promise<MaintenanceWindow[]> {
  const read = { disableIdentityMap: true } as const;
  const list = await em.find(Maintenance, { endsAt: { $gt: new Date(now) } }, { ...read, orderBy: { startsAt: 'asc' } });
  if (!list.length) return [];
  const maintenance = { $in: list.map((m) => m.id) };
  const monitors = await em.find(MaintenanceMonitor, { maintenance }, read);
  const components = await em.find(MaintenanceComponent, { maintenance }, read);
  const pages = await em.find(MaintenancePage, { maintenance }, read);
  const fed = components.length ? await em.find(ComponentMonitorOf, { component: { $in: [...new Set(components.map((c) => c.component.id))] } }, read) : [];
  const monitorsOf = new Map<string, string[]>();
  for (const f of fed) monitorsOf.set(f.component.id, [...(monitorsOf.get(f.component.id) ?? []), f.monitor.id]);
  return list.map((m) => ({
    id: m.id,
    orgId: m.org.id,
    title: m.title,
    startsAt: m.startsAt.getTime(),
    endsAt: m.endsAt.getTime(),
    monitorIds: new Set([
      ...monitors.filter((x) => x.maintenance.id === m.id).map((x) => x.monitor.id),
      ...components.filter((x) => x.maintenance.id === m.id).flatMap((x) => monitorsOf.get(x.component.id) ?? []),
    ]),
    pageIds: pages.filter((x) => x.maintenance.id === m.id).map((x) => x.page.id),
  }));
}

function sameMonitors(a: MaintenanceWindow, b: MaintenanceWindow): boolean {
  return a.monitorIds.size === b.monitorIds.size && [...a.monitorIds].every((m) => b.monitorIds.has(m));
}
