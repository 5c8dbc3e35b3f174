/**
 * What visitors of a public status page get: the JSON at /api/v1/public/status-pages/:slug, the
 * answer to a `/status` subscribe and the data `page:update` carries. The browser script imports
 * these with `import type`.
 */
import type { ComponentStatus, Impact, IncidentStatus } from './vocab.js';

export interface PublicComponent {
  id: string;
  name: string;
  description: string | null;
  /** Heading the component is listed under; null when ungrouped. */
  group: string | null;
  status: ComponentStatus;
  /** Percent over the last 90 days (contracts/uptime.ts), as the API's 90d; null when hidden or nothing was checked. */
  uptime90d: number | null;
  /** Average response time over the last 24 h in ms; null when hidden or nothing was measured. */
  latencyMs: number | null;
}

export interface PublicIncidentUpdate {
  id: string;
  status: IncidentStatus;
  /** Markdown; render it with the safe subset in contracts/markdown.ts. */
  message: string;
  /** ISO 8601 UTC. */
  at: string;
}

export interface PublicIncident {
  id: string;
  title: string;
  impact: Impact;
  status: IncidentStatus;
  /** ISO 8601 UTC. */
  startedAt: string;
  /** ISO 8601 UTC; null while the incident is open. */
  resolvedAt: string | null;
  /** ISO 8601 UTC of the latest change. */
  updatedAt: string;
  /** Affected components of this page and the status the incident gives them. */
  components: Array<{ id: string; name: string; status: ComponentStatus }>;
  /** Newest first. */
  updates: PublicIncidentUpdate[];
}

export interface PublicMaintenance {
  id: string;
  title: string;
  /** Markdown. */
  description: string;
  /** ISO 8601 UTC. */
  startsAt: string;
  /** ISO 8601 UTC. */
  endsAt: string;
  state: 'scheduled' | 'in_progress';
  /** Components of this page the window covers (directly or through their monitors). */
  components: Array<{ id: string; name: string }>;
}

export interface PublicPage {
  slug: string;
  title: string;
  description: string | null;
  overall: ComponentStatus;
  /**
   * Percent over the last 90 days of the monitors of every component showing its uptime, each
   * monitor counted once; null when none does or nothing was checked.
   */
  uptime90d: number | null;
  /** ISO 8601 UTC of the data this answer shows: older than now when the database is unreachable. */
  updatedAt: string;
  components: PublicComponent[];
  /**
   * Open incidents ("Current incidents") and those resolved within the last hour (shown as a short
   * "resolved" note, and already in the history); newest first.
   */
  incidents: PublicIncident[];
  /** Windows that have not ended yet, soonest first. */
  maintenances: PublicMaintenance[];
}
