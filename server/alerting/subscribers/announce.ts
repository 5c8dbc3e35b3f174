/**
 * Incident and maintenance notices for status-page subscribers: one outbox row per confirmed
 * subscriber of an affected page who follows the whole page or an affected component. Keys are
 * per update (incidents) and per window boundary (maintenance), so announcing twice sends once.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { iso, row, rows, textArray } from '../../db/sql.js';
import { enqueueForSubscribers } from '../outbox.js';
import type { AlertEvent } from '../sdk.js';
import { audience } from './store.js';

export type IncidentEvent = 'incident.created' | 'incident.updated' | 'incident.resolved';
export type MaintenanceEvent = 'maintenance.scheduled' | 'maintenance.started' | 'maintenance.completed';

interface PageRow {
  id: string;
  slug: string;
  title: string;
}

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
  const incident = await row<{ id: string; org_id: string; title: string; impact: string; status: string; created_at: string | Date }>(
    em,
    'SELECT id, org_id, title, impact, status, created_at FROM incidents WHERE id = ?',
    [o.incidentId],
  );
  if (!incident) return 0;
  const update = await row<{ id: string; status: string; message: string; at: string | Date; n: number }>(
    em,
    `SELECT u.id, u.status, u.message, u.at, (SELECT count(*)::int FROM incident_updates x WHERE x.incident_id = u.incident_id AND (x.at, x.id) <= (u.at, u.id)) AS n
     FROM incident_updates u WHERE u.incident_id = ? ${o.updateId ? 'AND u.id = ?' : ''} ORDER BY u.at DESC, u.id DESC LIMIT 1`,
    o.updateId ? [o.incidentId, o.updateId] : [o.incidentId],
  );
  const event: IncidentEvent = update?.status === 'resolved' ? 'incident.resolved' : !update || update.n <= 1 ? 'incident.created' : 'incident.updated';
  const components = await rows<{ id: string; name: string; page_id: string }>(
    em,
    `SELECT c.id, c.name, c.page_id FROM incident_components ic JOIN status_components c ON c.id = ic.component_id
     WHERE ic.incident_id = ? ORDER BY c.position`,
    [o.incidentId],
  );
  const pages = await rows<PageRow>(
    em,
    `SELECT p.id, p.slug, p.title FROM incident_pages ip JOIN status_pages p ON p.id = ip.page_id
     WHERE ip.incident_id = ? AND p.password_hash IS NULL`,
    [o.incidentId],
  );
  let written = 0;
  for (const p of pages) {
    const onPage = components.filter((c) => c.page_id === p.id);
    const ids = await audience(em, [p.id], onPage.map((c) => c.id), o.now);
    written += await enqueueForSubscribers(
      em,
      {
        // One notice per update: an edit that adds no update (a new title) announces nothing.
        key: `incident:${incident.id}:${update?.id ?? 'none'}:${p.id}`,
        orgId: incident.org_id,
        facts: {
          event,
          at: iso(update?.at ?? incident.created_at)!,
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
  const w = await row<{ id: string; org_id: string; title: string; description: string; starts_at: string | Date; ends_at: string | Date; updated_at: string | Date }>(
    em,
    'SELECT id, org_id, title, description, starts_at, ends_at, updated_at FROM maintenances WHERE id = ?',
    [o.maintenanceId],
  );
  if (!w) return 0;
  // Components covered directly, or through a monitor they show.
  const components = await rows<{ id: string; name: string; page_id: string }>(
    em,
    `SELECT c.id, c.name, c.page_id FROM status_components c
     WHERE c.id IN (SELECT component_id FROM maintenance_components WHERE maintenance_id = ?)
        OR c.id IN (SELECT cm.component_id FROM maintenance_monitors mm JOIN status_component_monitors cm ON cm.monitor_id = mm.monitor_id WHERE mm.maintenance_id = ?)
     ORDER BY c.position`,
    [w.id, w.id],
  );
  const pages = await rows<PageRow>(
    em,
    `SELECT p.id, p.slug, p.title FROM status_pages p
     WHERE p.password_hash IS NULL AND (p.id IN (SELECT page_id FROM maintenance_pages WHERE maintenance_id = ?) OR p.id = ANY(?::uuid[]))`,
    [w.id, textArray([...new Set(components.map((c) => c.page_id))])],
  );
  const boundary: Record<MaintenanceEvent, string | Date> = {
    'maintenance.scheduled': w.updated_at,
    'maintenance.started': w.starts_at,
    'maintenance.completed': w.ends_at,
  };
  const at = new Date(boundary[o.event]).getTime();
  let written = 0;
  for (const p of pages) {
    const onPage = components.filter((c) => c.page_id === p.id);
    // Boundaries announce to those subscribed before them; a schedule notice to everyone now.
    const ids = await audience(em, [p.id], onPage.map((c) => c.id), o.event === 'maintenance.scheduled' ? o.now : Math.min(at, o.now));
    const event: AlertEvent = o.event;
    written += await enqueueForSubscribers(
      em,
      {
        key: `maintenance:${w.id}:${o.event}:${at}:${p.id}`,
        orgId: w.org_id,
        facts: {
          event,
          at: o.event === 'maintenance.scheduled' ? new Date(o.now).toISOString() : new Date(at).toISOString(),
          page: { slug: p.slug, title: p.title, url: pageUrl(o.publicUrl, p.slug) },
          maintenance: {
            id: w.id,
            title: w.title,
            description: w.description,
            startsAt: iso(w.starts_at)!,
            endsAt: iso(w.ends_at)!,
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
  const found = await rows<{ id: string; event: MaintenanceEvent }>(
    em,
    `SELECT id, 'maintenance.started' AS event FROM maintenances WHERE starts_at > ? AND starts_at <= ?
     UNION ALL
     SELECT id, 'maintenance.completed' AS event FROM maintenances WHERE ends_at > ? AND ends_at <= ?`,
    [from, to, from, to],
  );
  return found;
}
