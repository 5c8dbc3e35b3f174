/**
 * Incident and maintenance notices for status-page subscribers: one outbox row per confirmed
 * subscriber of an affected page who follows the whole page or an affected component. Keys are
 * per update (incidents) and per window boundary (maintenance), so announcing twice sends once.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { Incident, IncidentComponent, IncidentPage, IncidentUpdate, Maintenance, MaintenanceComponent, MaintenanceMonitor, MaintenancePage } from '../../incidents/entities.js';
import { enqueueForSubscribers } from '../outbox.js';
import type { AlertEvent } from '../sdk.js';
import { audience } from './store.js';

export type IncidentEvent = 'incident.created' | 'incident.updated' | 'incident.resolved';
export type MaintenanceEvent = 'maintenance.scheduled' | 'maintenance.started' | 'maintenance.completed';

/** The fields of statuspages' StatusPage and StatusComponent read here (above this domain: by entity name). */
interface PageFields {
  id: string;
  slug: string;
  title: string;
  passwordHash?: string | null;
}
interface ComponentFields {
  id: string;
  name: string;
  page: { id: string };
  position: number;
}

/**
 * Reads go through a fork of the caller's EntityManager, in its transaction: what they load
 * never lands in the caller's identity map (an incident's own transaction may hand its `em` in).
 */
const reader = (em: EntityManager) => em.fork({ keepTransactionContext: true });

const pageUrl = (publicUrl: string, slug: string) => `${publicUrl}/status/${encodeURIComponent(slug)}`;

/**
 * An incident was created or updated: announces its update `updateId` (the newest when absent),
 * once. The event follows from the update, whoever calls: the first update is
 * `incident.created`, a resolving one `incident.resolved`, any other `incident.updated`.
 * Answers rows written.
 */
export async function announceIncident(
  em: EntityManager,
  o: { incidentId: string; updateId?: string; now: number; publicUrl: string },
): Promise<number> {
  const r = reader(em);
  const incident = await r.findOne(Incident, { id: o.incidentId }, { fields: ['org', 'title', 'impact', 'status', 'createdAt'] });
  if (!incident) return 0;
  // Every update in order (an incident has a handful): the position of the one announced says
  // whether it is the first.
  const updates = await r.find(IncidentUpdate, { incident: o.incidentId }, { fields: ['status', 'message', 'at'], orderBy: { at: 'asc', id: 'asc' } });
  const n = o.updateId ? updates.findIndex((u) => u.id === o.updateId) + 1 : updates.length;
  const update = n > 0 ? updates[n - 1] : undefined;
  const event: IncidentEvent = update?.status === 'resolved' ? 'incident.resolved' : !update || n <= 1 ? 'incident.created' : 'incident.updated';
  const components = await r
    .createQueryBuilder<ComponentFields, 'c'>('StatusComponent', 'c')
    .select(['c.id', 'c.name', 'c.page', 'c.position'])
    .where({ id: { $in: r.createQueryBuilder(IncidentComponent, 'ic').select('ic.component').where({ incident: o.incidentId }).getKnexQuery() } })
    .orderBy({ position: 'asc' })
    .getResultList();
  const pages = await r
    .createQueryBuilder<PageFields, 'p'>('StatusPage', 'p')
    .select(['p.id', 'p.slug', 'p.title'])
    .where({ passwordHash: null, id: { $in: r.createQueryBuilder(IncidentPage, 'ip').select('ip.page').where({ incident: o.incidentId }).getKnexQuery() } })
    .getResultList();
  let written = 0;
  for (const p of pages) {
    const onPage = components.filter((c) => c.page.id === p.id);
    const ids = await audience(em, [p.id], onPage.map((c) => c.id), o.now);
    written += await enqueueForSubscribers(
      em,
      {
        // One notice per update: an edit that adds no update (a new title) announces nothing.
        key: `incident:${incident.id}:${update?.id ?? 'none'}:${p.id}`,
        orgId: incident.org.id,
        facts: {
          event,
          at: (update?.at ?? incident.createdAt).toISOString(),
          page: { slug: p.slug, title: p.title, url: pageUrl(o.publicUrl, p.slug) },
          incident: {
            id: incident.id,
            title: incident.title,
            status: update?.status ?? incident.status,
            impact: incident.impact,
            message: update?.message ?? '',
            components: onPage.map((c) => c.name),
          },
        },
      },
      ids,
      o.now,
    );
  }
  return written;
}

/** A maintenance window was scheduled (or changed), started or ended. Answers rows written. */
export async function announceMaintenance(
  em: EntityManager,
  o: { maintenanceId: string; event: MaintenanceEvent; now: number; publicUrl: string },
): Promise<number> {
  const r = reader(em);
  const w = await r.findOne(Maintenance, { id: o.maintenanceId }, { fields: ['org', 'title', 'description', 'startsAt', 'endsAt', 'updatedAt'] });
  if (!w) return 0;
  // Components covered directly, or through a monitor they show.
  const direct = r.createQueryBuilder(MaintenanceComponent, 'mc').select('mc.component').where({ maintenance: w.id });
  const monitors = r.createQueryBuilder(MaintenanceMonitor, 'mm').select('mm.monitor').where({ maintenance: w.id });
  const viaMonitors = r.createQueryBuilder('StatusComponentMonitor', 'cm').select('cm.component').where({ monitor: { $in: monitors.getKnexQuery() } });
  const components = await r
    .createQueryBuilder<ComponentFields, 'c'>('StatusComponent', 'c')
    .select(['c.id', 'c.name', 'c.page', 'c.position'])
    .where({ $or: [{ id: { $in: direct.getKnexQuery() } }, { id: { $in: viaMonitors.getKnexQuery() } }] })
    .orderBy({ position: 'asc' })
    .getResultList();
  const listed = r.createQueryBuilder(MaintenancePage, 'mp').select('mp.page').where({ maintenance: w.id });
  const pages = await r
    .createQueryBuilder<PageFields, 'p'>('StatusPage', 'p')
    .select(['p.id', 'p.slug', 'p.title'])
    .where({ passwordHash: null, $or: [{ id: { $in: listed.getKnexQuery() } }, { id: { $in: [...new Set(components.map((c) => c.page.id))] } }] })
    .getResultList();
  const boundary: Record<MaintenanceEvent, Date> = {
    'maintenance.scheduled': w.updatedAt,
    'maintenance.started': w.startsAt,
    'maintenance.completed': w.endsAt,
  };
  const at = boundary[o.event].getTime();
  let written = 0;
  for (const p of pages) {
    const onPage = components.filter((c) => c.page.id === p.id);
    // Boundaries announce to those subscribed before them; a schedule notice to everyone now.
    const ids = await audience(em, [p.id], onPage.map((c) => c.id), o.event === 'maintenance.scheduled' ? o.now : Math.min(at, o.now));
    const event: AlertEvent = o.event;
    written += await enqueueForSubscribers(
      em,
      {
        key: `maintenance:${w.id}:${o.event}:${at}:${p.id}`,
        orgId: w.org.id,
        facts: {
          event,
          at: o.event === 'maintenance.scheduled' ? new Date(o.now).toISOString() : new Date(at).toISOString(),
          page: { slug: p.slug, title: p.title, url: pageUrl(o.publicUrl, p.slug) },
          maintenance: {
            id: w.id,
            title: w.title,
            description: w.description,
            startsAt: w.startsAt.toISOString(),
            endsAt: w.endsAt.toISOString(),
            components: onPage.map((c) => c.name),
          },
        },
      },
      ids,
      o.now,
    );
  }
  return written;
}

/** Windows that started or ended within `withinMs` before `now`: what the sweep announces. */
export async function maintenanceBoundaries(em: EntityManager, now: number, withinMs: number): Promise<Array<{ id: string; event: MaintenanceEvent }>> {
  const from = new Date(now - withinMs);
  const to = new Date(now);
  const r = reader(em);
  const started = await r.find(Maintenance, { startsAt: { $gt: from, $lte: to } }, { fields: ['id'] });
  const ended = await r.find(Maintenance, { endsAt: { $gt: from, $lte: to } }, { fields: ['id'] });
  return [
    ...started.map((w) => ({ id: w.id, event: 'maintenance.started' as const })),
    ...ended.map((w) => ({ id: w.id, event: 'maintenance.completed' as const })),
  ];
}
