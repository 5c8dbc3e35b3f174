/**
 * What status pages need from the rest of the server, and what they offer the realtime layer.
 * Kept as small interfaces so the monitoring layer and the `/status` namespace can be wired
 * without either importing the other.
 */
import type { PageUpdate } from '../../contracts/events.js';
import type { MonitorStatus } from '../../contracts/monitors.js';
import type { StatusFeed } from '../realtime/status.js';
import type { PublicPage } from '../../contracts/status-page.js';

/** A monitor's status change as the monitoring layer announces it. */
export interface MonitorStatusChange {
  monitorId: string;
  status: MonitorStatus;
  /** ISO 8601 UTC, when the monitor entered this status; now when absent. */
  since?: string;
}

/** Subscribes to monitor status changes; answers the unsubscribe function. */
export type OnMonitorStatus = (listener: (e: MonitorStatusChange) => void) => () => void;

/** Asked, synchronously, whether a monitor is inside a maintenance window at `at` (epoch ms). */
export interface MaintenanceLookup {
  isInMaintenance(monitorId: string, at?: number): boolean;
}

/**
 * The `/status` Socket.IO namespace's view of the pages (realtime's StatusFeed): memory only,
 * never the database.
 */
export interface StatusPageHub extends StatusFeed {
  /** The page as visitors see it now; undefined for unknown slugs. */
  snapshot(slug: string): PublicPage | undefined;
  /**
   * May a visitor with this Cookie header, or this live token (access.ts), see the page (always,
   * unless password-protected)?
   */
  canView(slug: string, cookieHeader: string | undefined, token?: string): boolean;
  /** snapshot() when canView(), else undefined: what a subscriber gets. */
  visibleSnapshot(slug: string, cookieHeader: string | undefined, token?: string): PublicPage | undefined;
  /**
   * Only what changed on a page: components whose status changed, the overall status, the
   * incident list when an incident changed, the maintenance list when a window changed. Monitor
   * activity is coalesced to at most one update per page per second; an owner's write is pushed
   * at once.
   */
  on(event: 'update', listener: (update: PageUpdate) => void): this;
  off(event: 'update', listener: (update: PageUpdate) => void): this;
}
