/** Incidents and maintenance windows as the admin API answers them (server/incidents/ writes them). */
import type { ComponentStatus, Impact, IncidentStatus } from './vocab.js';

export interface IncidentUpdateJson {
  id: string;
  status: IncidentStatus;
  /** Markdown. */
  message: string;
  at: string;
  /** The user who posted it; null for API keys and automatic updates. */
  createdBy: string | null;
}

export interface IncidentJson {
  id: string;
  title: string;
  impact: Impact;
  status: IncidentStatus;
  /** Opened by a monitor going down (and resolved when it came back, unless people stepped in). */
  autoCreated: boolean;
  /** The monitor of an automatic incident. */
  monitorId: string | null;
  startedAt: string;
  resolvedAt: string | null;
  createdAt: string;
  updatedAt: string;
  statusPageIds: string[];
  components: Array<{ componentId: string; status: ComponentStatus }>;
  /** Newest first. */
  updates: IncidentUpdateJson[];
}

export type MaintenanceState = 'scheduled' | 'in_progress' | 'completed';

export interface MaintenanceJson {
  id: string;
  title: string;
  /** Markdown. */
  description: string;
  startsAt: string;
  endsAt: string;
  /** From the server's clock at the time of the answer. */
  state: MaintenanceState;
  monitorIds: string[];
  componentIds: string[];
  statusPageIds: string[];
  createdAt: string;
  updatedAt: string;
}
