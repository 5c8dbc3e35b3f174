/** GET /orgs/:org/monitors/:id/alerts: the monitor's delivery log, newest first. */
import Router from '@koa/router';
import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import type { RequireOrg } from '../auth/authorize.js';
import type { OrgState } from '../auth/types.js';
import { notFound } from '../errors.js';
import { parse } from '../http/body.js';
import { Monitor } from '../monitors/entities.js';
import { deliveryLog } from './outbox.js';

export const logQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(100) });

export function deliveryLogRoutes(em: () => EntityManager, requireOrg: RequireOrg): Router<OrgState> {
  const r = new Router<OrgState>();
  r.get('/orgs/:org/monitors/:id/alerts', requireOrg('monitors:read'), async (ctx) => {
    const id = z.uuid().safeParse(ctx.params.id);
    if (!id.success) throw notFound('Monitor');
    const q = parse(logQuery, { ...ctx.query });
    const m = em();
    if ((await m.count(Monitor, { org: ctx.state.orgId, id: id.data })) === 0) throw notFound('Monitor');
    ctx.body = await deliveryLog(m, id.data, q.limit);
  });
  return r;
}
