/** Atlassian Statuspage's vocabularies (API.md), which visitors and tools already know. */

export const COMPONENT_STATUSES = ['operational', 'degraded_performance', 'partial_outage', 'major_outage', 'under_maintenance'] as const;
export const INCIDENT_STATUSES = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
export const IMPACTS = ['none', 'minor', 'major', 'critical'] as const;

export type ComponentStatus = (typeof COMPONENT_STATUSES)[number];
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];
export type Impact = (typeof IMPACTS)[number];

// Worse is larger. Maintenance is planned, so it ranks below any unplanned trouble.
const SEVERITY: Record<ComponentStatus, number> = {
  operational: 0,
  under_maintenance: 1,
  degraded_performance: 2,
  partial_outage: 3,
  major_outage: 4,
};

export const severity = (s: ComponentStatus) => SEVERITY[s];

export function worst(statuses: Iterable<ComponentStatus>): ComponentStatus {
  let w: ComponentStatus = 'operational';
  for (const s of statuses) if (SEVERITY[s] > SEVERITY[w]) w = s;
  return w;
}

/** What an open incident's impact means for the page's overall line. */
export const IMPACT_STATUS: Record<Impact, ComponentStatus> = {
  none: 'operational',
  minor: 'degraded_performance',
  major: 'partial_outage',
  critical: 'major_outage',
};

export const COMPONENT_LABEL: Record<ComponentStatus, string> = {
  operational: 'Operational',
  degraded_performance: 'Degraded performance',
  partial_outage: 'Partial outage',
  major_outage: 'Major outage',
  under_maintenance: 'Under maintenance',
};

/** The banner at the top of a page for its overall status. */
export const OVERALL_LABEL: Record<ComponentStatus, string> = {
  operational: 'All systems operational',
  degraded_performance: 'Degraded performance',
  partial_outage: 'Partial system outage',
  major_outage: 'Major system outage',
  under_maintenance: 'Maintenance in progress',
};

export const INCIDENT_LABEL: Record<IncidentStatus, string> = {
  investigating: 'Investigating',
  identified: 'Identified',
  monitoring: 'Monitoring',
  resolved: 'Resolved',
};

/**
 * How long a resolved incident keeps a short "resolved" note at the top of its status page (ms).
 * It leaves "Current incidents" and joins "Past incidents" the moment it is resolved.
 */
export const RESOLVED_NOTE_MS = 60 * 60_000;

export const IMPACT_LABEL: Record<Impact, string> = { none: 'No impact', minor: 'Minor', major: 'Major', critical: 'Critical' };
