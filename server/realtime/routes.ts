/**
 * GET /orgs/:org/dashboard: the snapshot the `/dashboard` socket would answer, over HTTP. The
 * dashboard's index.html preloads it (http/static.ts), so it loads while the scripts do, and the
 * socket then only catches up from its mark. Compressed once per request (http/compressed.ts).
 */
import type { OrgState } from '../auth/types.js';
import { sendCompressed } from '../http/compressed.js';
import { defineRoute, type Route } from '../http/routes.js';
import { DashboardSnapshot } from '../../contracts/events.js';
import type { DashboardFeed } from './feed.js';

const route = defineRoute<OrgState>();

export function dashboardRoutes(feed: DashboardFeed): Route[] {
  return [
    route({
      method: 'get',
      path: '/orgs/:org/dashboard',
      summary: "Every monitor with its last checks and 24 h uptime, as the dashboard socket's snapshot (with its mark for subscribe's resume)",
      tag: 'Monitors',
      auth: 'monitors:read',
      responses: { 200: DashboardSnapshot },
      handler: (ctx) => {
        ctx.set('Cache-Control', 'no-store');
        return feed.snapshot(ctx.state.orgId);
      },
      send: sendCompressed,
    }),
  ];
}

const ORG_PAGE = /^\/orgs\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?:\/|$)/;

/** What a dashboard page under /orgs/:org starts with (every one watches its org live). */
export function dashboardPreload(pagePath: string): string | undefined {
  const org = ORG_PAGE.exec(pagePath)?.[1];
  return org && `/api/v1/orgs/${org}/dashboard`;
}
