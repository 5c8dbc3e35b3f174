/**
 * Automatic incidents: when a monitor shown on a page with `autoIncidents` goes down, an incident
 * opens on those pages (at most one per monitor, even across nodes: a partial unique index); when
 * the monitor is up again it is resolved. Owners may edit it like any other; if they resolved it
 * already, nothing more happens. Inside a maintenance window nothing is opened.
 */
import { raw, type EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import type { Logger } from '../log.js';
import type { Clock } from '../scheduler/clock.js';
import type { MonitorStatusChange } from '../monitors/status-change.js';
import type { MaintenanceLookup } from './schedule.js';
import type { IncidentEvents } from './events.js';
import { ComponentMonitorOf, ComponentOf, Incident, IncidentComponent, IncidentPage, IncidentUpdate, PageOf } from './entities.js';
import { getIncident, incidentSummary } from './service.js';

/** Lookups go around the identity map: the EM is a fresh fork, and nothing read here is written back through it. */
const read = { disableIdentityMap: true } as const;

/**
 * The components the monitor feeds on pages with automatic incidents, by page then position, each
 * with how many monitors feed it.
 */
async function autoTargets(em: EntityManager, monitorId: string) {
  const fed = await em.find(ComponentMonitorOf, { monitor: monitorId, component: { page: { autoIncidents: true } } }, read);
  if (!fed.length) return [];
  const ids = fed.map((f) => f.component.id);
  const components = await em.find(ComponentOf, { id: { $in: ids } }, { ...read, orderBy: { page: 'asc', position: 'asc' } });
  const feeds = await em.find(ComponentMonitorOf, { component: { $in: ids } }, read);
  return components.map((c) => ({ id: c.id, name: c.name, page: c.page, monitors: feeds.filter((f) => f.component.id === c.id).length }));
}

/** "A, B" for the incident's components by position; "The service" when it has none. */
async function componentNames(em: EntityManager, incidentId: string): Promise<string> {
  const affected = await em.find(IncidentComponent, { incident: incidentId }, read);
  if (!affected.length) return 'The service';
  const components = await em.find(ComponentOf, { id: { $in: affected.map((a) => a.component.id) } }, { ...read, orderBy: { position: 'asc' } });
  return components.map((c) => c.name).join(', ');
}

export interface AutoIncidentDeps {
  em: () => EntityManager;
  /** Is the monitor shown on a page with automatic incidents? Asked from memory, so most changes cost no query. */
  watched(monitorId: string): boolean;
  clock: Clock;
  log: Logger;
  maintenance: MaintenanceLookup;
  events: IncidentEvents;
  refresh(pageIds: string[]): Promise<void>;
}

export class AutoIncidents {
  /** Per monitor, the handling of its latest change: changes of one monitor are handled in order. */
  readonly #chains = new Map<string, Promise<void>>();
  /** Monitors with an open automatic incident (as far as this process knows). */
  readonly #openFor = new Set<string>();

  constructor(private readonly deps: AutoIncidentDeps) {}

  /** Learns which monitors have an open automatic incident (call once before feeding changes). */
  async start(): Promise<void> {
    const open = await this.deps.em().find(Incident, { autoCreated: true, resolvedAt: null, monitor: { $ne: null } }, read);
    for (const o of open) if (o.monitor) this.#openFor.add(o.monitor.id);
  }

  /** Feed every monitor status change here; resolves when this change has been handled. */
  handle(e: MonitorStatusChange): Promise<void> {
    const relevant = e.status === 'down' ? this.deps.watched(e.monitorId) : (e.status === 'up' || e.status === 'degraded') && this.#openFor.has(e.monitorId);
    if (!relevant && !this.#chains.has(e.monitorId)) return Promise.resolve();
    const prev = this.#chains.get(e.monitorId) ?? Promise.resolve();
    const next = prev.then(() => this.#handle(e)).catch((err) => this.deps.log.error({ err: (err as Error).message, monitorId: e.monitorId }, 'auto incident failed'));
    this.#chains.set(e.monitorId, next);
    void next.finally(() => {
      if (this.#chains.get(e.monitorId) === next) this.#chains.delete(e.monitorId);
    });
    return next;
  }

  /** Resolves when every change received so far has been handled (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.#chains.size) await Promise.all(this.#chains.values());
  }

  async #handle(e: MonitorStatusChange): Promise<void> {
    const at = new Date(e.since ? Date.parse(e.since) : this.deps.clock.now());
    if (e.status === 'down') {
      if (this.deps.maintenance.isInMaintenance(e.monitorId, at.getTime())) return;
      await this.#open(e.monitorId, at);
    } else if (e.status === 'up' || e.status === 'degraded') await this.#resolve(e.monitorId, at);
  }

  async #open(monitorId: string, at: Date): Promise<void> {
    const em = this.deps.em();
    const targets = await autoTargets(em, monitorId);
    if (!targets.length) return;
    this.#openFor.add(monitorId);
    const orgId = (await em.findOneOrFail(PageOf, { id: targets[0]!.page.id }, read)).org.id;
    const names = [...new Set(targets.map((t) => t.name))];
    const id = randomUUID();
    const opened = await em.transactional(async (tx) => {
      const inserted = await tx
        .createQueryBuilder(Incident)
        .insert({ id, org: orgId, title: `${names.join(', ')} unavailable`, impact: 'major', status: 'investigating', autoCreated: true, monitor: monitorId, startedAt: at, updatedAt: at })
        // At most one open automatic incident per monitor (incidents_open_auto_key): another node may have opened it.
        .onConflict(raw('(monitor_id) WHERE auto_created AND resolved_at IS NULL'))
        .ignore()
        .execute('run');
      if (!inserted.affectedRows) return false;
      await tx.createQueryBuilder(IncidentPage).insert([...new Set(targets.map((t) => t.page.id))].map((page) => ({ incident: id, page }))).onConflict().ignore().execute();
      // One monitor down out of several is a partial outage of the component.
      const components = targets.map((t) => ({ incident: id, component: t.id, status: t.monitors > 1 ? ('partial_outage' as const) : ('major_outage' as const) }));
      await tx.createQueryBuilder(IncidentComponent).insert(components).onConflict().ignore().execute();
      await tx.insert(IncidentUpdate, { id: randomUUID(), incident: id, status: 'investigating', message: `We are investigating problems with ${names.join(', ')}.`, at });
      return true;
    });
    if (!opened) return;
    await this.#announce(orgId, id, 'incident.created');
  }

  async #resolve(monitorId: string, at: Date): Promise<void> {
    const em = this.deps.em();
    const open = await em.findOne(Incident, { monitor: monitorId, autoCreated: true, resolvedAt: null }, read);
    const names = open ? await componentNames(em, open.id) : '';
    this.#openFor.delete(monitorId);
    if (!open) return;
    await em.transactional(async (tx) => {
      await tx.nativeUpdate(Incident, { id: open.id, resolvedAt: null }, { status: 'resolved', resolvedAt: at, updatedAt: at });
      await tx.nativeUpdate(IncidentComponent, { incident: open.id }, { status: 'operational' });
      await tx.insert(IncidentUpdate, { id: randomUUID(), incident: open.id, status: 'resolved', message: `${names} ${names.includes(',') ? 'are' : 'is'} operational again.`, at });
    });
    await this.#announce(open.org.id, open.id, 'incident.resolved');
  }

  async #announce(orgId: string, id: string, event: 'incident.created' | 'incident.resolved'): Promise<void> {
    const incident = await getIncident(this.deps.em(), orgId, id);
    await this.deps.refresh(incident.statusPageIds);
    this.deps.events.emit('incident', { orgId, event, incident: incidentSummary(incident) });
  }
}
