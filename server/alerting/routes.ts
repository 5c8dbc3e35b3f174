/** GET /orgs/:org/monitors/:id/alerts: the monitor's delivery log, newest first (declared, http/routes.ts). */
import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import type { OrgState } from '../auth/types.js';
import { notFound } from '../errors.js';
import { defineRoute, uuid, type Route } from '../http/routes.js';
import { logQuery } from '../../contracts/alerting-requests.js';
import { Monitor } from '../monitors/entities.js';
import { DeliveryJson } from '../../contracts/alerting.js';
import { deliveryLog } from './outbox.js';

const route = defineRoute<OrgState>();

export function deliveryLogRoutes(em: () => EntityManager): Route[] {
  return [
    route({
      method: 'get',
      path: '/orgs/:org/monitors/:id/alerts',
      summary: "The monitor's alert deliveries, newest first",
      tag: 'Alerting',
      auth: 'monitors:read',
      params: { id: uuid('Monitor') },
      query: logQuery,
      responses: { 200: z.array(DeliveryJson) },
      handler: async (ctx, { params, query }) => {
        const m = em();
        if ((await m.count(Monitor, { org: ctx.state.orgId, id: params.id })) === 0) throw notFound('Monitor');
        return deliveryLog(m, params.id, query.limit);
      },
    }),
  ];
}
