/** Other domains' bodies name monitors (status page components, maintenance windows): are they this org's? */
import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError } from '../errors.js';
import { Monitor } from './entities.js';

/** 400 with the paths of monitor ids that are not this org's. */
export async function checkMonitors(em: EntityManager, orgId: string, refs: Array<{ path: string; id: string }>): Promise<void> {
  if (!refs.length) return;
  // Ids only, and kept out of the caller's identity map (it may be its transaction's).
  const found = await em.find(Monitor, { org: orgId, id: { $in: refs.map((r) => r.id) } }, { fields: ['id'], disableIdentityMap: true });
  const known = new Set(found.map((f) => f.id));
  const missing = refs.filter((r) => !known.has(r.id));
  if (missing.length) {
    throw new AppError(400, 'VALIDATION_FAILED', 'The request is not valid', missing.map((m) => ({ path: m.path, code: 'UNKNOWN_MONITOR', message: 'No such monitor in this organization' })));
  }
}
