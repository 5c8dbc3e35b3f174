/**
 * We monitor PingPage with PingPage. On a new install the first organization gets a monitor of
 * this install's own `PUBLIC_URL/readyz`: it goes through whatever people reach PingPage by (the
 * proxy, TLS and its certificate, whose expiry then alerts like any other), and /readyz answers
 * 503 when the database or the scheduler does not. Its results, uptime and alerts are those of
 * every other monitor, and it can sit on a status page.
 *
 * Made once per install: the `self_monitor` row of instance_settings records it, so a monitor
 * someone deleted stays deleted. A process cannot report its own death; README says how to watch
 * it from outside as well.
 */
import { raw, type EntityManager } from '@mikro-orm/postgresql';
import { InstanceSetting, Org } from '../auth/entities.js';
import type { Logger } from '../log.js';
import type { MonitorService } from './service.js';

/** The instance_settings row recording the monitor: `{orgId, monitorId}`. */
export const SELF_MONITOR_KEY = 'self_monitor';
const KEY = SELF_MONITOR_KEY;

export async function ensureSelfMonitor(em: EntityManager, service: MonitorService, publicUrl: string, log: Logger): Promise<void> {
  if (await em.count(InstanceSetting, { key: KEY })) return;
  const [first] = await em.find(Org, {}, { fields: ['id'], orderBy: { createdAt: 'asc', id: 'asc' }, limit: 1, disableIdentityMap: true });
  if (!first) return; // no organization yet: the first signup calls again
  // Claimed first, so two processes starting together make one monitor.
  const claimed: unknown[] = await em
    .createQueryBuilder(InstanceSetting)
    .insert({ key: KEY, value: { orgId: first.id } })
    .onConflict('key')
    .ignore()
    .returning('key')
    .execute('all');
  if (!claimed.length) return;
  try {
    const input = service.bodies.create.parse({
      name: 'PingPage',
      probe: 'http',
      config: { url: `${publicUrl}/readyz` },
      intervalSeconds: 60,
      timeoutSeconds: 10,
      retries: 1,
      tags: ['pingpage'],
    });
    const m = await service.create(first.id, {}, input);
    await em.nativeUpdate(InstanceSetting, { key: KEY }, { value: { orgId: first.id, monitorId: m.id }, updatedAt: raw('now()') });
    log.info({ orgId: first.id, monitorId: m.id, url: `${publicUrl}/readyz` }, 'self-monitoring: PingPage watches its own /readyz');
  } catch (err) {
    // Not made (e.g. no http probe loaded): free the claim, so a later start tries again.
    await em.nativeDelete(InstanceSetting, { key: KEY });
    log.warn({ err }, 'self-monitoring: could not create the monitor of /readyz');
  }
}
