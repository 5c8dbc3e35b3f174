/**
 * From a page's stored record, its monitors' live statuses and the time: the statuses visitors
 * see. Pure, so every rule here is tested without a database.
 */
import type { MonitorStatus } from '../../contracts/monitors.js';
import { NO_CHECKED_TIME, sumCheckedTime, uptimePercent } from '../../contracts/uptime.js';
import { HISTORY_DAYS, type ComponentRecord, type IncidentRecord, type PageRecord } from './load.js';
import type { PublicComponent, PublicIncident, PublicMaintenance, PublicPage } from '../../contracts/status-page.js';
import { IMPACT_STATUS, RESOLVED_NOTE_MS, worst, type ComponentStatus, type Impact } from '../../contracts/vocab.js';

const DAY_MS = 86_400_000;

export interface DeriveInput {
  record: PageRecord;
  /** The live status of a monitor; undefined when unknown (counts as no information). */
  monitorStatus(monitorId: string): MonitorStatus | undefined;
  /** Is this monitor inside a maintenance window at `at` (epoch ms)? */
  inMaintenance(monitorId: string, at: number): boolean;
  /** Epoch ms. */
  now: number;
  /** ISO 8601 UTC the answer reports as its data time. */
  updatedAt: string;
}

/** One day of one component's uptime bar. */
export interface DayBar {
  /** UTC date, YYYY-MM-DD. */
  date: string;
  /** Percent (contracts/uptime.ts); null without checked time that day. */
  uptime: number | null;
  /** Incidents affecting the component that were open at some time that day. */
  incidents: number;
  /** The worst impact among those incidents. */
  impact: Impact | null;
}

export interface DerivedPage {
  page: PublicPage;
  /** Per component id, HISTORY_DAYS bars, oldest first (only for components showing uptime). */
  bars: Map<string, DayBar[]>;
  /** Every incident of the last HISTORY_DAYS days (open ones too), newest first: feeds, incident pages. */
  history: PublicIncident[];
  /** "Past incidents": the resolved ones among them, newest first (an open incident is never past). */
  past: PublicIncident[];
}

/**
 * Status from monitors alone: all counted monitors down → major outage; some → partial; any
 * degraded → degraded performance; any in maintenance → under maintenance. Paused and pending
 * monitors say nothing, so a component whose monitors are all paused stays operational.
 */
export function monitorsStatus(statuses: readonly MonitorStatus[]): ComponentStatus {
  let down = 0;
  let degraded = 0;
  let maintenance = 0;
  let counted = 0;
  for (const s of statuses) {
    if (s === 'maintenance') maintenance++;
    else if (s === 'down') (down++, counted++);
    else if (s === 'degraded') (degraded++, counted++);
    else if (s === 'up') counted++;
  }
  if (down) return down === counted ? 'major_outage' : 'partial_outage';
  if (degraded) return 'degraded_performance';
  if (maintenance) return 'under_maintenance';
  return 'operational';
}

const isOpen = (i: IncidentRecord) => i.status !== 'resolved';
const dateOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function derivePage(input: DeriveInput): DerivedPage {
  const { record, now } = input;
  const activeMaintenances = record.maintenances.filter((m) => Date.parse(m.startsAt) <= now && now < Date.parse(m.endsAt));
  const maintainedComponents = new Set(activeMaintenances.flatMap((m) => m.componentIds));
  const openIncidents = record.incidents.filter(isOpen);
  const names = new Map(record.components.map((c) => [c.id, c.name]));

  // An open incident's word on a component overrides what its monitors say.
  const overrides = new Map<string, ComponentStatus[]>();
  for (const i of openIncidents) {
    for (const c of i.components) overrides.set(c.id, [...(overrides.get(c.id) ?? []), c.status]);
  }

  const statusOf = (c: ComponentRecord): ComponentStatus => {
    const forced = overrides.get(c.id);
    if (forced) return worst(forced);
    if (maintainedComponents.has(c.id)) return 'under_maintenance';
    if (!c.monitorIds.length) return c.manualStatus;
    return monitorsStatus(c.monitorIds.map((m) => (input.inMaintenance(m, now) ? 'maintenance' : input.monitorStatus(m) ?? 'pending')));
  };

  const bars = new Map<string, DayBar[]>();
  const calendar = lastDays(now);
  const ninety = (monitorIds: Iterable<string>) => uptimePercent(sumCheckedTime([...monitorIds].map((m) => record.checked90d.get(m) ?? NO_CHECKED_TIME)));
  /** Monitors whose uptime the page shows: the whole page's figure is theirs, each counted once. */
  const shown = new Set<string>();
  const components: PublicComponent[] = record.components.map((c) => {
    // A component without monitors has no checks to show.
    const showUptime = record.showUptime && c.showUptime && c.monitorIds.length > 0;
    let uptime90d: number | null = null;
    if (showUptime) {
      bars.set(c.id, dayBars(c.id, record, calendar, now));
      uptime90d = ninety(c.monitorIds);
      for (const m of c.monitorIds) shown.add(m);
    }
    const latency = record.showLatency && c.showLatency ? record.latency.get(c.id) : undefined;
    return {
      id: c.id,
      name: c.name,
      description: c.description,
      group: c.group,
      status: statusOf(c),
      uptime90d,
      latencyMs: latency === undefined ? null : Math.round(latency),
    };
  });

  const overall = worst([...components.map((c) => c.status), ...openIncidents.map((i) => IMPACT_STATUS[i.impact])]);
  const toPublic = (i: IncidentRecord): PublicIncident => ({
    id: i.id,
    title: i.title,
    impact: i.impact,
    status: i.status,
    startedAt: i.startedAt,
    resolvedAt: i.resolvedAt,
    updatedAt: i.updatedAt,
    components: i.components.filter((c) => names.has(c.id)).map((c) => ({ id: c.id, name: names.get(c.id)!, status: c.status })),
    updates: i.updates,
  });
  const history = record.incidents.map(toPublic);
  const resolved = (i: PublicIncident) => i.status === 'resolved';
  // Open ones, and for an hour after it is resolved, an incident's short "resolved" note.
  const current = history.filter((i) => !resolved(i) || (i.resolvedAt !== null && now - Date.parse(i.resolvedAt) < RESOLVED_NOTE_MS));

  const componentsOfMonitor = (monitorId: string) => record.components.filter((c) => c.monitorIds.includes(monitorId)).map((c) => c.id);
  const maintenances: PublicMaintenance[] = record.maintenances
    .filter((m) => Date.parse(m.endsAt) > now)
    .map((m) => {
      const ids = new Set([...m.componentIds, ...m.monitorIds.flatMap(componentsOfMonitor)]);
      return {
        id: m.id,
        title: m.title,
        description: m.description,
        startsAt: m.startsAt,
        endsAt: m.endsAt,
        state: Date.parse(m.startsAt) <= now ? ('in_progress' as const) : ('scheduled' as const),
        components: record.components.filter((c) => ids.has(c.id)).map((c) => ({ id: c.id, name: c.name })),
      };
    });

  return {
    page: {
      slug: record.slug,
      title: record.title,
      description: record.description,
      overall,
      uptime90d: shown.size ? ninety(shown) : null,
      updatedAt: input.updatedAt,
      components,
      incidents: current,
      maintenances,
    },
    bars,
    history,
    past: history.filter(resolved),
  };
}

const IMPACT_RANK: Record<Impact, number> = { none: 0, minor: 1, major: 2, critical: 3 };

/** The UTC days of the bars, oldest first: their dates and start times (epoch ms). */
function lastDays(now: number): Array<{ date: string; start: number }> {
  const todayStart = Math.floor(now / DAY_MS) * DAY_MS;
  return Array.from({ length: HISTORY_DAYS }, (_, i) => {
    const start = todayStart - (HISTORY_DAYS - 1 - i) * DAY_MS;
    return { date: dateOf(start), start };
  });
}

function dayBars(componentId: string, record: PageRecord, calendar: Array<{ date: string; start: number }>, now: number): DayBar[] {
  const perDay = record.days.get(componentId);
  const affecting = record.incidents.filter((i) => i.components.some((c) => c.id === componentId));
  const out: DayBar[] = [];
  for (const { date, start } of calendar) {
    const count = perDay?.get(date);
    let incidents = 0;
    let impact: Impact | null = null;
    for (const i of affecting) {
      const from = Date.parse(i.startedAt);
      const to = i.resolvedAt ? Date.parse(i.resolvedAt) : now;
      if (from < start + DAY_MS && to >= start) {
        incidents++;
        if (!impact || IMPACT_RANK[i.impact] > IMPACT_RANK[impact]) impact = i.impact;
      }
    }
    out.push({ date, uptime: count ? uptimePercent(count) : null, incidents, impact });
  }
  return out;
}
