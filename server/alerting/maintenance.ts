/**
 * "Is this monitor in a maintenance window?" Alerting asks through this interface; the status
 * pages' in-memory lookup fits it, and without one it reads the maintenance tables itself.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { Maintenance, MaintenanceComponent, MaintenanceMonitor } from '../incidents/entities.js';

export interface MaintenanceCheck {
  /** `at` in epoch milliseconds. */
  isInMaintenance(monitorId: string, at: number): boolean | Promise<boolean>;
}

/**
 * A window covers a monitor directly, or through a component the monitor belongs to
 * (status_component_monitors belongs to statuspages/, above: read by entity name).
 */
export function maintenanceFromDb(em: () => EntityManager): MaintenanceCheck {
  return {
    async isInMaintenance(monitorId, at) {
      const m = em();
      const direct = m.createQueryBuilder(MaintenanceMonitor, 'mm').select('mm.maintenance').where({ monitor: monitorId });
      const components = m.createQueryBuilder('StatusComponentMonitor', 'cm').select('cm.component').where({ monitor: monitorId });
      const viaComponents = m
        .createQueryBuilder(MaintenanceComponent, 'mc')
        .select('mc.maintenance')
        .where({ component: { $in: components.getKnexQuery() } });
      const windows = await m
        .createQueryBuilder(Maintenance, 'w')
        .where({ startsAt: { $lte: new Date(at) }, endsAt: { $gt: new Date(at) } })
        .andWhere({ $or: [{ id: { $in: direct.getKnexQuery() } }, { id: { $in: viaComponents.getKnexQuery() } }] })
        .getCount();
      return windows > 0;
    },
  };
}
