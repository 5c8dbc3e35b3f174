/**
 * "Is this monitor in a maintenance window?" Alerting asks through this interface; the status
 * pages' in-memory lookup fits it, and without one it reads the maintenance tables itself.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { row } from '../db/sql.js';

export interface MaintenanceCheck {
  /** `at` in epoch milliseconds. */
  isInMaintenance(monitorId: string, at: number): boolean | Promise<boolean>;
}

/** A window covers a monitor directly, or through a component the monitor belongs to. */
export function maintenanceFromDb(em: () => EntityManager): MaintenanceCheck {
  return {
    async isInMaintenance(monitorId, at) {
      const found = await row(
        em(),
        `SELECT 1 AS one FROM maintenances w
         WHERE w.starts_at <= ? AND w.ends_at > ?
           AND (EXISTS (SELECT 1 FROM maintenance_monitors mm WHERE mm.maintenance_id = w.id AND mm.monitor_id = ?)
             OR EXISTS (SELECT 1 FROM maintenance_components mc JOIN status_component_monitors cm ON cm.component_id = mc.component_id
                        WHERE mc.maintenance_id = w.id AND cm.monitor_id = ?))
         LIMIT 1`,
        [new Date(at), new Date(at), monitorId, monitorId],
      );
      return found !== undefined;
    },
  };
}
