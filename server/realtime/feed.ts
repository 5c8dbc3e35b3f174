/**
 * What the dashboard is fed: snapshots of an org's monitors (from the table and RecentBeats),
 * and the numbered log of what was pushed to orgs since (Replay). Built before the HTTP app, so
 * the REST route and the `/dashboard` socket share one of each.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { MonitoringEvents } from '../monitors/events.js';
import type { DashboardSnapshot, OrgEvent } from '../../contracts/events.js';
import { RecentBeats } from './recent.js';
import { Replay } from './replay.js';
import { dashboardSnapshot } from './snapshot.js';

export class DashboardFeed {
  readonly recent: RecentBeats;
  readonly replay = new Replay();

  constructor(private readonly em: () => EntityManager) {
    this.recent = new RecentBeats(em);
  }

  /** Keeps the recent beats current with the engine's events. */
  follow(events: MonitoringEvents): () => void {
    return this.recent.follow(events);
  }

  /** Notes an event as sent to the org's dashboards. */
  sent(orgId: string, event: OrgEvent): void {
    this.replay.record(orgId, event);
  }

  /**
   * The org's monitors now, marked with the last event sent before it was read: whatever was sent
   * after the mark is in `replay.since(mark)` (and, when sent while it was read, in it too: clients
   * take such an event once).
   */
  async snapshot(orgId: string): Promise<DashboardSnapshot> {
    const mark = this.replay.mark();
    return { ...(await dashboardSnapshot(this.em(), this.recent, orgId)), mark };
  }
}
