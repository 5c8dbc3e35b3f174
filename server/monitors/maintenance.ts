import type { Orm } from '../db/orm.js';
import type { Logger } from '../log.js';
import type { CheckEngine } from './engine.js';
import { Monitor } from './entities.js';
import { monitorsById } from './store.js';
import type { MonitorStatus } from '../../contracts/monitors.js';

/** What a maintenance schedule tells monitoring (server/incidents/schedule.ts implements it). */
export interface MaintenanceEdges {
  on(event: 'started' | 'ended', listener: (w: { monitorIds: ReadonlySet<string> }) => void): unknown;
  isInMaintenance(monitorId: string): boolean;
  monitorsInMaintenance(): Set<string>;
}

/**
 * Monitors in a maintenance window report `maintenance` (stored, pushed, and kept by the
 * evaluator against check results); when the window ends they start over as `pending`.
 * At start, a monitor left in `maintenance` by a window that ended while we were down is reset.
 */
export async function followMaintenance(schedule: MaintenanceEdges, engine: CheckEngine, orm: Orm, log: Logger): Promise<void> {
  const apply = async (ids: string[], status: MonitorStatus) => {
    const em = orm.em.fork();
    for (const m of await monitorsById(em, ids)) {
      if (m.paused || m.status === status) continue;
      if (status === 'pending' && schedule.isInMaintenance(m.id)) continue; // another window still covers it
      const at = new Date();
      await em.nativeUpdate(Monitor, { id: m.id }, { status, statusSince: at, statusReason: null });
      engine.setStatus({ ...m, status, statusSince: at }, status, at);
    }
  };
  const follow = (status: MonitorStatus) => (w: { monitorIds: ReadonlySet<string> }) =>
    void apply([...w.monitorIds], status).catch((err) => log.error({ err: (err as Error).message }, 'maintenance status not applied'));
  schedule.on('started', follow('maintenance'));
  schedule.on('ended', follow('pending'));
  const inWindow = schedule.monitorsInMaintenance();
  const stale = await orm.em.fork().find(Monitor, { status: 'maintenance' }, { fields: ['id'], disableIdentityMap: true });
  await apply(stale.map((r) => r.id).filter((id) => !inWindow.has(id)), 'pending');
  await apply([...inWindow], 'maintenance');
}
