/**
 * Everything one public page shows, read from the database in one go. Only the snapshot store
 * calls this (on writes, monitor changes and once a minute), never a visitor's request.
 * Hot path: raw SQL (the status-page snapshot load, measured by bench:statuspage).
 * One round of queries per page, aggregated in PostgreSQL.
 * Row types come from the entities: columns are aliased to the property names (a foreign key as
 * `<relation>Id`), timestamps arrive as the strings a raw query gives (`Raw`).
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { iso, row, rows } from '../db/sql.js';
import type { MonitorStatus } from '../../contracts/monitors.js';
import type { IncidentComponentRow, IncidentRow, IncidentUpdateRow, MaintenanceRow } from '../incidents/entities.js';
import type { MonitorRow } from '../monitors/entities.js';
import type { RollupRow } from '../results/entities.js';
import { checkedTimes } from '../results/rollups.js';
import type { CheckedTime } from '../../contracts/uptime.js';
import type { ComponentStatus, Impact, IncidentStatus } from '../../contracts/vocab.js';
import type { ComponentJson, FooterLink } from '../../contracts/status-page-admin.js';
import type { StatusComponentRow, StatusPageRow } from './entities.js';

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

/** A row as a raw query answers it: every column present (null, never undefined), timestamps as strings (left unparsed for the ORM). */
type Raw<T> = { [K in keyof T]-?: Exclude<T[K], undefined> extends Date ? string : Exclude<T[K], undefined> extends Date | null ? string | null : Exclude<T[K], undefined> };

type PageRow = Raw<Pick<StatusPageRow, 'id' | 'slug' | 'title' | 'description' | 'logoUrl' | 'brandColor' | 'customDomain' | 'domainVerifiedAt' | 'passwordHash' | 'showUptime' | 'showLatency' | 'autoIncidents' | 'footerLinks' | 'customCss' | 'updatedAt'>> & { orgId: string };
type ComponentRow = Raw<Pick<StatusComponentRow, 'id' | 'name' | 'description' | 'groupName' | 'position' | 'showUptime' | 'showLatency' | 'manualStatus'>> & { monitorIds: string[] };
/** `updates` and `components` are JSON aggregates: their fields named as the API names them. */
type IncidentLoadRow = Raw<Pick<IncidentRow, 'id' | 'title' | 'impact' | 'status' | 'startedAt' | 'resolvedAt' | 'updatedAt'>> & {
  updates: Array<Raw<Pick<IncidentUpdateRow, 'id' | 'status' | 'message' | 'at'>>>;
  components: Array<{ id: string; status: IncidentComponentRow['status'] }>;
};
type MaintenanceLoadRow = Raw<Pick<MaintenanceRow, 'id' | 'title' | 'description' | 'startsAt' | 'endsAt'>> & { componentIds: string[]; monitorIds: string[] };
/** A day's rollups of one component: sums over its monitors. */
type DayRow = Raw<Pick<RollupRow, 'bucket' | 'checks' | 'upSeconds' | 'downSeconds'>> & { componentId: string };
/** `ms`: the average latency of successful checks, null without any. */
type LatencyRow = { componentId: string; ms: number | null };
type MonitorStatusRow = Raw<Pick<MonitorRow, 'id' | 'status' | 'statusSince'>>;

/** Ids of every page (the store's full refresh discovers new and deleted pages with it). */
export async function pageIds(em: EntityManager): Promise<string[]> {
  return (await rows<Pick<StatusPageRow, 'id'>>(em, 'SELECT id FROM status_pages')).map((r) => r.id);
}

/** One page with all it shows as of `now` (epoch ms), or undefined when it no longer exists. */
export async function loadPage(em: EntityManager, pageId: string, now: number): Promise<PageRecord | undefined> {
  const p = await row<PageRow>(
    em,
    `SELECT id, org_id AS "orgId", slug, title, description, logo_url AS "logoUrl", brand_color AS "brandColor", custom_domain AS "customDomain",
            domain_verified_at AS "domainVerifiedAt", password_hash AS "passwordHash", show_uptime AS "showUptime", show_latency AS "showLatency",
            auto_incidents AS "autoIncidents", footer_links AS "footerLinks", custom_css AS "customCss", updated_at AS "updatedAt"
     FROM status_pages WHERE id = ?`,
    [pageId],
  );
  if (!p) return undefined;
  const historyFrom = new Date(now - HISTORY_DAYS * DAY_MS);
  const firstDay = new Date(Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), new Date(now).getUTCDate()) - (HISTORY_DAYS - 1) * DAY_MS);

  const [components, incidents, maintenances, daily, latency, monitors] = await Promise.all([
    rows<ComponentRow>(
      em,
      `SELECT c.id, c.name, c.description, c.group_name AS "groupName", c.position, c.show_uptime AS "showUptime", c.show_latency AS "showLatency",
              c.manual_status AS "manualStatus",
              coalesce(array_agg(cm.monitor_id::text ORDER BY cm.monitor_id) FILTER (WHERE cm.monitor_id IS NOT NULL), '{}') AS "monitorIds"
       FROM status_components c LEFT JOIN status_component_monitors cm ON cm.component_id = c.id
       WHERE c.page_id = ? GROUP BY c.id ORDER BY c.position, c.id`,
      [pageId],
    ),
    rows<IncidentLoadRow>(
      em,
      `SELECT i.id, i.title, i.impact, i.status, i.started_at AS "startedAt", i.resolved_at AS "resolvedAt", i.updated_at AS "updatedAt",
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
    rows<MaintenanceLoadRow>(
      em,
      `SELECT m.id, m.title, m.description, m.starts_at AS "startsAt", m.ends_at AS "endsAt",
              coalesce((SELECT json_agg(mc.component_id) FROM maintenance_components mc WHERE mc.maintenance_id = m.id), '[]') AS "componentIds",
              coalesce((SELECT json_agg(mm.monitor_id) FROM maintenance_monitors mm WHERE mm.maintenance_id = m.id), '[]') AS "monitorIds"
       FROM maintenances m JOIN maintenance_pages mp ON mp.maintenance_id = m.id
       WHERE mp.page_id = ? AND m.ends_at >= ?
       ORDER BY m.starts_at, m.id LIMIT 500`,
      [pageId, historyFrom],
    ),
    rows<DayRow>(
      em,
      `SELECT cm.component_id AS "componentId", r.bucket, sum(r.checks)::int AS checks, sum(r.up_seconds)::float8 AS "upSeconds", sum(r.down_seconds)::float8 AS "downSeconds"
       FROM heartbeat_rollups_day r
       JOIN status_component_monitors cm ON cm.monitor_id = r.monitor_id
       JOIN status_components c ON c.id = cm.component_id
       WHERE c.page_id = ? AND r.bucket >= ?
       GROUP BY cm.component_id, r.bucket`,
      [pageId, firstDay],
    ),
    rows<LatencyRow>(
      em,
      `SELECT cm.component_id AS "componentId", sum(r.latency_sum) / nullif(sum(r.checks - r.failures), 0) AS ms
       FROM heartbeat_rollups_hour r
       JOIN status_component_monitors cm ON cm.monitor_id = r.monitor_id
       JOIN status_components c ON c.id = cm.component_id
       WHERE c.page_id = ? AND r.bucket >= ?
       GROUP BY cm.component_id`,
      [pageId, new Date(now - DAY_MS)],
    ),
    rows<MonitorStatusRow>(
      em,
      `SELECT DISTINCT m.id, m.status, m.status_since AS "statusSince" FROM monitors m
       JOIN status_component_monitors cm ON cm.monitor_id = m.id
       JOIN status_components c ON c.id = cm.component_id WHERE c.page_id = ?`,
      [pageId],
    ),
  ]);

  const days = new Map<string, Map<string, DayCount>>();
  for (const d of daily) {
    let perDay = days.get(d.componentId);
    if (!perDay) days.set(d.componentId, (perDay = new Map()));
    perDay.set(iso(d.bucket)!.slice(0, 10), { checks: d.checks, upSeconds: d.upSeconds, downSeconds: d.downSeconds });
  }
  const ninety = await checkedTimes(em, [...monitors.map((m) => m.id)], ['90d'], now);

  return {
    id: p.id,
    orgId: p.orgId,
    slug: p.slug,
    title: p.title,
    description: p.description,
    logoUrl: p.logoUrl,
    brandColor: p.brandColor,
    customDomain: p.domainVerifiedAt ? p.customDomain : null,
    passwordHash: p.passwordHash,
    showUptime: p.showUptime,
    showLatency: p.showLatency,
    autoIncidents: p.autoIncidents,
    footerLinks: p.footerLinks,
    customCss: p.customCss,
    updatedAt: iso(p.updatedAt)!,
    components: components.map((c) => ({
      id: c.id,
      name: c.name,
      description: c.description,
      group: c.groupName,
      position: c.position,
      monitorIds: c.monitorIds,
      showUptime: c.showUptime,
      showLatency: c.showLatency,
      manualStatus: c.manualStatus,
    })),
    incidents: incidents.map((i) => ({
      id: i.id,
      title: i.title,
      impact: i.impact,
      status: i.status,
      startedAt: iso(i.startedAt)!,
      resolvedAt: iso(i.resolvedAt),
      updatedAt: iso(i.updatedAt)!,
      components: i.components,
      updates: i.updates.map((u) => ({ ...u, at: iso(u.at)! })),
    })),
    maintenances: maintenances.map((m) => ({
      id: m.id,
      title: m.title,
      description: m.description,
      startsAt: iso(m.startsAt)!,
      endsAt: iso(m.endsAt)!,
      componentIds: m.componentIds,
      monitorIds: m.monitorIds,
    })),
    days,
    checked90d: new Map([...ninety].map(([id, t]) => [id, t['90d']])),
    latency: new Map(latency.filter((l) => l.ms != null).map((l) => [l.componentId, Number(l.ms)])),
    monitors: new Map(monitors.map((m) => [m.id, { status: m.status, since: iso(m.statusSince)! }])),
  };
}
