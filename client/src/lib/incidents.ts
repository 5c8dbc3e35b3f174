/**
 * Incidents, maintenance windows and the status pages they show on, as the REST API answers them
 * (API.md, "Status pages and incidents"), with the vocabularies' labels and the helpers the
 * incident and maintenance screens share. The vocabularies and the answers' types are the
 * contracts' (contracts/vocab.ts, contracts/incidents.ts, contracts/status-page-admin.ts).
 */
import {
  COMPONENT_LABEL,
  COMPONENT_STATUSES,
  IMPACT_LABEL,
  IMPACT_STATUS,
  IMPACTS,
  INCIDENT_LABEL,
  INCIDENT_STATUSES,
  type ComponentStatus,
  type Impact,
  type IncidentStatus,
} from '../../../contracts/vocab';
import type { IncidentJson, IncidentUpdateJson, MaintenanceJson, MaintenanceState } from '../../../contracts/incidents';
import type { ComponentJson, PageAnswer } from '../../../contracts/status-page-admin';

export { COMPONENT_LABEL, COMPONENT_STATUSES, IMPACT_LABEL, IMPACTS, INCIDENT_LABEL, INCIDENT_STATUSES };
export type { ComponentStatus, Impact, IncidentStatus };

export type Incident = IncidentJson;
export type IncidentUpdate = IncidentUpdateJson;
export type AffectedComponent = IncidentJson['components'][number];
export type { MaintenanceState };
/** `state` is from the server's clock when it answered; phaseAt() follows the browser's. */
export type Maintenance = MaintenanceJson;

/** What these screens read of a status page's component (GET /orgs/:org/status-pages). */
export type PageComponent = Pick<ComponentJson, 'id' | 'name' | 'group' | 'monitorIds'>;

/** What these screens read of a status page (GET /orgs/:org/status-pages). */
export type StatusPageRef = Pick<PageAnswer, 'id' | 'slug' | 'title' | 'url'> & { components: PageComponent[] };

/** A monitor, as far as these screens need one (GET /orgs/:org/monitors). */
export interface MonitorRef {
  id: string;
  name: string;
}

/** What each incident status tells readers, for the pickers. */
export const INCIDENT_HELP: Record<IncidentStatus, string> = {
  investigating: 'Something is wrong and you are looking into it',
  identified: 'The cause is known and a fix is under way',
  monitoring: 'A fix is in place and you are watching the results',
  resolved: 'Everything works again',
};

export const IMPACT_HELP: Record<Impact, string> = {
  none: 'Informational: nothing is broken',
  minor: 'Slower, or a small part is not working',
  major: 'An important part is down for many people',
  critical: 'Down for everyone, or nearly',
};

/** The component status that goes with an impact, when a component is first marked affected. */
export function statusForImpact(impact: Impact): ComponentStatus {
  const s = IMPACT_STATUS[impact];
  return s === 'operational' ? 'degraded_performance' : s;
}

/** Every component of the org's pages by id, with the page it belongs to. */
export function componentIndex(pages: readonly StatusPageRef[]): Map<string, { component: PageComponent; page: StatusPageRef }> {
  const out = new Map<string, { component: PageComponent; page: StatusPageRef }>();
  for (const page of pages) for (const component of page.components) out.set(component.id, { component, page });
  return out;
}

/** The affected components, worst first, then in page order. */
export function sortAffected(list: readonly AffectedComponent[], pages: readonly StatusPageRef[]): AffectedComponent[] {
  const order = new Map<string, number>();
  let i = 0;
  for (const p of pages) for (const c of p.components) order.set(c.id, i++);
  const rank = (s: ComponentStatus) => COMPONENT_STATUSES.length - COMPONENT_STATUSES.indexOf(s);
  return [...list].sort((a, b) => rank(b.status) - rank(a.status) || (order.get(a.componentId) ?? 1e9) - (order.get(b.componentId) ?? 1e9));
}

/** The first line of Markdown as plain words, for one-line previews. */
export function plainExcerpt(markdown: string, max = 160): string {
  const text = markdown
    .replace(/```[\s\S]*?(```|$)/g, ' ')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[*_`#>]+/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > max ? text.slice(0, max - 1).trimEnd() + '…' : text;
}

/** Where a window stands at `now` (epoch ms), by the browser's clock. */
export function phaseAt(m: { startsAt: string; endsAt: string }, now: number): MaintenanceState {
  return now < Date.parse(m.startsAt) ? 'scheduled' : now < Date.parse(m.endsAt) ? 'in_progress' : 'completed';
}

/** The longest window the API takes (ms). */
export const MAINTENANCE_MAX_MS = 31 * 86_400_000;
