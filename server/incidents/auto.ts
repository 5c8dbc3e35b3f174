/**
 * Automatic incidents: when a monitor shown on a page with `autoIncidents` goes down, an incident
 * opens on those pages (at most one per monitor, even across nodes: a partial unique index); when
 * the monitor is up again it is resolved. Owners may edit it like any other; if they resolved it
 * already, nothing more happens. Inside a maintenance window nothing is opened.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import { row, rows, run } from '../db/sql.js';
import type { Logger } from '../log.js';
import type { Clock } from '../scheduler/clock.js';
import type { MonitorStatusChange } from '../monitors/status-change.js';
import type { MaintenanceLookup } from './schedule.js';
import type { IncidentEvents } from './events.js';
import { getIncident, incidentSummary } from './service.js';

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
    const open = await rows<{ monitor_id: string }>(this.deps.em(), 'SELECT monitor_id FROM incidents WHERE auto_created AND resolved_at IS NULL AND monitor_id IS NOT NULL');
    for (const o of open) this.#openFor.add(o.monitor_id);
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
    const targets = await rows<{ org_id: string; page_id: string; component_id: string; name: string; monitors: number }>(
      em,
      `SELECT p.org_id, p.id AS page_id, c.id AS component_id, c.name,
              (SELECT count(*)::int FROM status_component_monitors x WHERE x.component_id = c.id) AS monitors
       FROM status_component_monitors cm
       JOIN status_components c ON c.id = cm.component_id
       JOIN status_pages p ON p.id = c.page_id
       WHERE cm.monitor_id = ? AND p.auto_incidents ORDER BY p.id, c.position`,
      [monitorId],
    );
    if (!targets.length) return;
    this.#openFor.add(monitorId);
    const orgId = targets[0]!.org_id;
    const names = [...new Set(targets.map((t) => t.name))];
    const id = randomUUID();
    const opened = await em.transactional(async (tx) => {
      const inserted = await run(
        tx,
        `INSERT INTO incidents (id, org_id, title, impact, status, auto_created, monitor_id, started_at, updated_at)
         VALUES (?, ?, ?, 'major', 'investigating', true, ?, ?, ?)
         ON CONFLICT (monitor_id) WHERE auto_created AND resolved_at IS NULL DO NOTHING`,
        [id, orgId, `${names.join(', ')} unavailable`, monitorId, at, at],
      );
      if (!inserted) return false;
      for (const pageId of new Set(targets.map((t) => t.page_id))) {
        await run(tx, 'INSERT INTO incident_pages (incident_id, page_id) VALUES (?, ?) ON CONFLICT DO NOTHING', [id, pageId]);
      }
      for (const t of targets) {
        // One monitor down out of several is a partial outage of the component.
        await run(tx, 'INSERT INTO incident_components (incident_id, component_id, status) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', [id, t.component_id, t.monitors > 1 ? 'partial_outage' : 'major_outage']);
      }
      await run(tx, 'INSERT INTO incident_updates (id, incident_id, status, message, at) VALUES (?, ?, ?, ?, ?)', [
        randomUUID(), id, 'investigating', `We are investigating problems with ${names.join(', ')}.`, at,
      ]);
      return true;
    });
    if (!opened) return;
    await this.#announce(orgId, id, 'incident.created');
  }

  async #resolve(monitorId: string, at: Date): Promise<void> {
    const em = this.deps.em();
    const open = await row<{ id: string; org_id: string; names: string }>(
      em,
      `SELECT i.id, i.org_id, coalesce(string_agg(c.name, ', ' ORDER BY c.position), 'The service') AS names
       FROM incidents i LEFT JOIN incident_components ic ON ic.incident_id = i.id LEFT JOIN status_components c ON c.id = ic.component_id
       WHERE i.monitor_id = ? AND i.auto_created AND i.resolved_at IS NULL GROUP BY i.id`,
      [monitorId],
    );
    this.#openFor.delete(monitorId);
    if (!open) return;
    await em.transactional(async (tx) => {
      await run(tx, "UPDATE incidents SET status = 'resolved', resolved_at = ?, updated_at = ? WHERE id = ? AND resolved_at IS NULL", [at, at, open.id]);
      await run(tx, "UPDATE incident_components SET status = 'operational' WHERE incident_id = ?", [open.id]);
      await run(tx, 'INSERT INTO incident_updates (id, incident_id, status, message, at) VALUES (?, ?, ?, ?, ?)', [
        randomUUID(), open.id, 'resolved', `${open.names} ${open.names.includes(',') ? 'are' : 'is'} operational again.`, at,
      ]);
    });
    await this.#announce(open.org_id, open.id, 'incident.resolved');
  }

  async #announce(orgId: string, id: string, event: 'incident.created' | 'incident.resolved'): Promise<void> {
    const incident = await getIncident(this.deps.em(), orgId, id);
    await this.deps.refresh(incident.statusPageIds);
    this.deps.events.emit('incident', { orgId, event, incident: incidentSummary(incident) });
  }
}
