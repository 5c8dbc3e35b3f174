/**
 * The first-run tour of an organization (the dashboard's overview offers it): has it a monitor
 * of its own, a notification channel, a status page? Read from its data each time, so a step is
 * ticked however it was done (dashboard, API, another admin). PingPage's own monitor (self.ts)
 * does not count: nobody in the organization made it, and it watches PingPage, not their services.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { InstanceSetting } from '../auth/entities.js';
import { NotificationChannel } from '../alerting/entities.js';
import { Monitor } from '../monitors/entities.js';
import { SELF_MONITOR_KEY } from '../monitors/self.js';
import type { FirstSteps } from '../../contracts/first-steps.js';

export async function firstSteps(em: EntityManager, orgId: string): Promise<FirstSteps> {
  const self = await em.findOne(InstanceSetting, { key: SELF_MONITOR_KEY });
  const selfId = selfMonitorId(self?.value);
  const monitor = await em.findOne(Monitor, { org: orgId, ...(selfId !== undefined && { id: { $ne: selfId } }) }, { fields: ['id'] });
  const channel = await em.findOne(NotificationChannel, { org: orgId }, { fields: ['id'] });
  // Status pages are a domain above this one: named, not imported (server/README.md).
  const statusPages = await em.count<{ org: string }>('StatusPage', { org: orgId });
  return { monitor: monitor !== null, channel: channel !== null, statusPage: statusPages > 0 };
}

/** The monitor id the self_monitor setting records (monitors/self.ts). */
function selfMonitorId(value: unknown): string | undefined {
  return typeof value === 'object' && value !== null && 'monitorId' in value && typeof value.monitorId === 'string' ? value.monitorId : undefined;
}
