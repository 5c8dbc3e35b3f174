/** What status pages offer the realtime layer: a small interface, so the `/status` namespace is wired without importing the pages. */
import type { PageUpdate } from '../../contracts/events.js';
import type { StatusFeed } from '../realtime/status.js';
import type { PublicPage } from '../../contracts/status-page.js';

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
