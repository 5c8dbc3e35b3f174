/**
 * GET /orgs/:org/dashboard: the snapshot the `/dashboard` socket would answer, over HTTP. The
 * dashboard's index.html preloads it (http/static.ts), so it loads while the scripts do, and the
 * socket then only catches up from its mark. Compressed once per request, brotli when accepted:
 * 2,000 monitors are about 1.2 MB of JSON and a tenth of that on the wire.
 */
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import Router from '@koa/router';
import type { RequireOrg } from '../auth/authorize.js';
import type { DashboardFeed } from './feed.js';

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

export function dashboardRoutes(feed: DashboardFeed, requireOrg: RequireOrg): Router {
  const r = new Router();
  r.get('/orgs/:org/dashboard', requireOrg('monitors:read'), async (ctx) => {
    const json = Buffer.from(JSON.stringify(await feed.snapshot(ctx.state.orgId)));
    ctx.type = 'application/json';
    ctx.set('Cache-Control', 'no-store');
    ctx.vary('Accept-Encoding');
    // Brotli whenever accepted: browsers list gzip first, which would otherwise win.
    if (ctx.acceptsEncodings('br', 'identity') === 'br') {
      ctx.set('Content-Encoding', 'br');
      ctx.body = await brotli(json, { params: { [constants.BROTLI_PARAM_QUALITY]: 4, [constants.BROTLI_PARAM_SIZE_HINT]: json.length } });
    } else if (ctx.acceptsEncodings('gzip', 'identity') === 'gzip') {
      ctx.set('Content-Encoding', 'gzip');
      ctx.body = await gz(json, { level: 4 });
    } else ctx.body = json;
  });
  return r;
}

const ORG_PAGE = /^\/orgs\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?:\/|$)/;

/** What a dashboard page under /orgs/:org starts with (every one watches its org live). */
export function dashboardPreload(pagePath: string): string | undefined {
  const org = ORG_PAGE.exec(pagePath)?.[1];
  return org && `/api/v1/orgs/${org}/dashboard`;
}
