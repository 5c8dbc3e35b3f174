/**
 * The first-run tour of an organization (the dashboard's overview offers it): has it a monitor
 * of its own, a notification channel, a status page? Read from its data each time, so a step is
 * ticked however it was done (dashboard, API, another admin). PingPage's own monitor (self.ts)
 * does not count: nobody in the organization made it, and it watches PingPage, not their services.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { row } from '../db/sql.js';
import { SELF_MONITOR_KEY } from '../monitors/self.js';
import type { FirstSteps } from '../../contracts/first-steps.js';

export async function firstSteps(em: EntityManager, orgId: string): Promise<FirstSteps> {
  const r = await row<{ monitor: boolean; channel: boolean; status_page: boolean }>(
    em,
    `SELECT EXISTS (SELECT 1 FROM monitors WHERE org_id = ? AND id::text IS DISTINCT FROM
                      (SELECT value->>'monitorId' FROM instance_settings WHERE key = ?)) AS monitor,
            EXISTS (SELECT 1 FROM notification_channels WHERE org_id = ?) AS channel,
            EXISTS (SELECT 1 FROM status_pages WHERE org_id = ?) AS status_page`,
    [orgId, SELF_MONITOR_KEY, orgId, orgId],
  );
  return { monitor: r!.monitor, channel: r!.channel, statusPage: r!.status_page };
}
