/**
 * Everything one public page shows, read from the database in one go. Only the snapshot store
 * calls this (on writes, monitor changes and once a minute), never a visitor's request.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { iso, row, rows } from '../db/sql.js';
import type { MonitorStatus } from '../../contracts/monitors.js';
import { checkedTimes } from '../results/rollups.js';
import type { CheckedTime } from '../../contracts/uptime.js';
import type { ComponentStatus, Impact, IncidentStatus } from '../../contracts/vocab.js';
import type { ComponentJson, FooterLink } from '../../contracts/status-page-admin.js';

const DAY_MS = 86_400_000;
/** Days of uptime bars and incident history a page shows. */
export const HISTORY_DAYS = 90;

/** A component as the page holds it: its API answer, with the status kept for a component without monitors. */
export interface ComponentRecord extends Omit<ComponentJson, 'status'> {
  /** The status of a component without monitors. */
  manualStatus: ComponentStatus;
}

export interface IncidentRecord {
  id: string;
  title: string;
  impact: Impact;
  status: IncidentStatus;
  startedAt: string;
  resolvedAt: string | null;
  updatedAt: string;
  /** Affected components of this page with the status the incident gives them. */
  components: Array<{ id: string; status: ComponentStatus }>;
  /** Newest first. */
  updates: Array<{ id: string; status: IncidentStatus; message: string; at: string }>;
}

export interface MaintenanceRecord {
  id: string;
  title: string;
  description: string;
  startsAt: string;
  endsAt: string;
  componentIds: string[];
  monitorIds: string[];
}

/** Checks of one component on one UTC day, summed over its monitors (contracts/uptime.ts). */
export interface DayCount extends CheckedTime {
  checks: number;
}

export interface PageRecord {
  id: string;
  orgId: string;
  slug: string;
  title: string;
  description: string | null;
  logoUrl: string | null;
  brandColor: string | null;
  /** The custom domain once proven (domains.ts): the page is served there; null until then. */
  customDomain: string | null;
  passwordHash: string | null;
  showUptime: boolean;
  showLatency: boolean;
  autoIncidents: boolean;
  footerLinks: FooterLink[];
  customCss: string | null;
  updatedAt: string;
  /** In page order. */
  components: ComponentRecord[];
  /** Open ones, and those resolved within HISTORY_DAYS; newest first. */
  incidents: IncidentRecord[];
  /** Windows not yet ended, and those that ended within HISTORY_DAYS; by start. */
  maintenances: MaintenanceRecord[];
  /** Per component id, per UTC date (YYYY-MM-DD), over the last HISTORY_DAYS days. */
  days: Map<string, Map<string, DayCount>>;
  /** Per monitor id of the page: checked time of the 90-day window, as the API counts it. */
  checked90d: Map<string, CheckedTime>;
  /** Per component id: average ms over the last 24 hours of its monitors' successful checks. */
  latency: Map<string, number>;
  /** Statuses of the page's monitors as stored, with ISO 8601 `since`. */
  monitors: Map<string, { status: MonitorStatus; since: string }>;
}

interface PageRow {
  id: string;
  org_id: string;
  slug: string;
  title: string;
  description: string | null;
  logo_url: string | null;
  brand_color: string | null;
  custom_domain: string | null;
  domain_verified_at: Date | null;
  password_hash: string | null;
  show_uptime: boolean;
  show_latency: boolean;
  auto_incidents: boolean;
  footer_links: FooterLink[];
  custom_css: string | null;
  updated_at: Date;
}

/** Ids of every page (the store's full refresh discovers new and deleted pages with it). */
export async function pageIds(em: EntityManager): Promise<string[]> {
  return (await rows<{ id: string }>(em, 'SELECT id FROM status_pages')).map((r) => r.id);
}

/** One page with all it shows as of `now` (epoch ms), or undefined when it no longer exists. */
export async function loadPage(em: EntityManager, pageId: string, now: number): Promise<PageRecord | undefined> {
  const p = await row<PageRow>(em, 'SELECT * FROM status_pages WHERE id = ?', [pageId]);
  if (!p) return undefined;
  const historyFrom = new Date(now - HISTORY_DAYS * DAY_MS);
  const firstDay = new Date(Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), new Date(now).getUTCDate()) - (HISTORY_DAYS - 1) * DAY_MS);

  const [components, incidents, maintenances, daily, latency, monitors] = await Promise.all([
    rows<{ id: string; name: string; description: string | null; group_name: string | null; position: number; monitor_ids: string[]; show_uptime: boolean; show_latency: boolean; manual_status: ComponentStatus }>(
      em,
      `SELECT c.id, c.name, c.description, c.group_name, c.position, c.show_uptime, c.show_latency, c.manual_status,
              coalesce(array_agg(cm.monitor_id::text ORDER BY cm.monitor_id) FILTER (WHERE cm.monitor_id IS NOT NULL), '{}') AS monitor_ids
       FROM status_components c LEFT JOIN status_component_monitors cm ON cm.component_id = c.id
       WHERE c.page_id = ? GROUP BY c.id ORDER BY c.position, c.id`,
      [pageId],
    ),
    rows<{ id: string; title: string; impact: Impact; status: IncidentStatus; started_at: Date; resolved_at: Date | null; updated_at: Date; updates: Array<{ id: string; status: IncidentStatus; message: string; at: string }>; components: Array<{ id: string; status: ComponentStatus }> }>(
      em,
      `SELECT i.id, i.title, i.impact, i.status, i.started_at, i.resolved_at, i.updated_at,
              coalesce((SELECT json_agg(json_build_object('id', u.id, 'status', u.status, 'message', u.message, 'at', u.at) ORDER BY u.at DESC, u.id)
                        FROM incident_updates u WHERE u.incident_id = i.id), '[]') AS updates,
              coalesce((SELECT json_agg(json_build_object('id', ic.component_id, 'status', ic.status) ORDER BY c.position)
                        FROM incident_components ic JOIN status_components c ON c.id = ic.component_id
                        WHERE ic.incident_id = i.id AND c.page_id = ?), '[]') AS components
       FROM incidents i JOIN incident_pages ip ON ip.incident_id = i.id
       WHERE ip.page_id = ? AND (i.resolved_at IS NULL OR i.resolved_at >= ?)
       ORDER BY i.started_at DESC, i.id LIMIT 500`,
      [pageId, pageId, historyFrom],
    ),
    rows<{ id: string; title: string; description: string; starts_at: Date; ends_at: Date; component_ids: string[]; monitor_ids: string[] }>(
      em,
      `SELECT m.id, m.title, m.description, m.starts_at, m.ends_at,
              coalesce((SELECT json_agg(mc.component_id) FROM maintenance_components mc WHERE mc.maintenance_id = m.id), '[]') AS component_ids,
              coalesce((SELECT json_agg(mm.monitor_id) FROM maintenance_monitors mm WHERE mm.maintenance_id = m.id), '[]') AS monitor_ids
       FROM maintenances m JOIN maintenance_pages mp ON mp.maintenance_id = m.id
       WHERE mp.page_id = ? AND m.ends_at >= ?
       ORDER BY m.starts_at, m.id LIMIT 500`,
      [pageId, historyFrom],
    ),
    rows<{ component_id: string; bucket: Date | string; checks: number; up: number; down: number }>(
      em,
      `SELECT cm.component_id, r.bucket, sum(r.checks)::int AS checks, sum(r.up_seconds)::float8 AS up, sum(r.down_seconds)::float8 AS down
       FROM heartbeat_rollups_day r
       JOIN status_component_monitors cm ON cm.monitor_id = r.monitor_id
       JOIN status_components c ON c.id = cm.component_id
       WHERE c.page_id = ? AND r.bucket >= ?
       GROUP BY cm.component_id, r.bucket`,
      [pageId, firstDay],
    ),
    rows<{ component_id: string; ms: number | null }>(
      em,
      `SELECT cm.component_id, sum(r.latency_sum) / nullif(sum(r.checks - r.failures), 0) AS ms
       FROM heartbeat_rollups_hour r
       JOIN status_component_monitors cm ON cm.monitor_id = r.monitor_id
       JOIN status_components c ON c.id = cm.component_id
       WHERE c.page_id = ? AND r.bucket >= ?
       GROUP BY cm.component_id`,
      [pageId, new Date(now - DAY_MS)],
    ),
    rows<{ id: string; status: MonitorStatus; status_since: Date }>(
      em,
      `SELECT DISTINCT m.id, m.status, m.status_since FROM monitors m
       JOIN status_component_monitors cm ON cm.monitor_id = m.id
       JOIN status_components c ON c.id = cm.component_id WHERE c.page_id = ?`,
      [pageId],
    ),
  ]);

  const days = new Map<string, Map<string, DayCount>>();
  for (const d of daily) {
    let perDay = days.get(d.component_id);
    if (!perDay) days.set(d.component_id, (perDay = new Map()));
    perDay.set(iso(d.bucket)!.slice(0, 10), { checks: d.checks, upSeconds: d.up, downSeconds: d.down });
  }
  const ninety = await checkedTimes(em, [...monitors.map((m) => m.id)], ['90d'], now);

  return {
    id: p.id,
    orgId: p.org_id,
    slug: p.slug,
    title: p.title,
    description: p.description,
    logoUrl: p.logo_url,
    brandColor: p.brand_color,
    customDomain: p.domain_verified_at ? p.custom_domain : null,
    passwordHash: p.password_hash,
    showUptime: p.show_uptime,
    showLatency: p.show_latency,
    autoIncidents: p.auto_incidents,
    footerLinks: p.footer_links,
    customCss: p.custom_css,
    updatedAt: iso(p.updated_at)!,
    components: components.map((c) => ({
      id: c.id,
      name: c.name,
      description: c.description,
      group: c.group_name,
      position: c.position,
      monitorIds: c.monitor_ids,
      showUptime: c.show_uptime,
      showLatency: c.show_latency,
      manualStatus: c.manual_status,
    })),
    incidents: incidents.map((i) => ({
      id: i.id,
      title: i.title,
      impact: i.impact,
      status: i.status,
      startedAt: iso(i.started_at)!,
      resolvedAt: iso(i.resolved_at),
      updatedAt: iso(i.updated_at)!,
      components: i.components,
      updates: i.updates.map((u) => ({ ...u, at: iso(u.at)! })),
    })),
    maintenances: maintenances.map((m) => ({
      id: m.id,
      title: m.title,
      description: m.description,
      startsAt: iso(m.starts_at)!,
      endsAt: iso(m.ends_at)!,
      componentIds: m.component_ids,
      monitorIds: m.monitor_ids,
    })),
    days,
    checked90d: new Map([...ninety].map(([id, t]) => [id, t['90d']])),
    latency: new Map(latency.filter((l) => l.ms != null).map((l) => [l.component_id, Number(l.ms)])),
    monitors: new Map(monitors.map((m) => [m.id, { status: m.status, since: iso(m.status_since)! }])),
  };
}
