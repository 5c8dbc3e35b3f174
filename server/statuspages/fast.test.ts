/** The fast path answers exactly as the Koa route does, and leaves everything else to Koa. */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { proveDomains, startHarness, type Harness } from './testing.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
  const { orgId, userId } = await h.org();
  const monitors = await h.monitors(orgId, 2);
  for (const body of [
    { slug: 'open', title: 'Open <b>page</b>', components: [{ name: 'API', monitorIds: monitors }], customDomain: 'status.open.test' },
    { slug: 'closed', title: 'Closed', password: 'open sesame', customDomain: 'status.closed.test' },
  ]) {
    expect((await h.api(userId, 'POST', `/orgs/${orgId}/status-pages`, body)).status).toBe(201);
  }
  await proveDomains(h.orm, h.sp.store); // served only once proven (domains.test.ts)
});
afterAll(() => h?.close());

/** status, headers (without the per-connection ones) and body bytes. */
function fetchRaw(base: string, path: string, headers: Record<string, string>, method = 'GET') {
  const url = new URL(base);
  return new Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }>((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const { date: _d, connection: _c, 'keep-alive': _k, 'transfer-encoding': _t, ...rest } = res.headers;
        resolve({ status: res.statusCode!, headers: rest, body: Buffer.concat(chunks) });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the fast path', () => {
  it.each([
    ['the page', '/status/open', {}],
    ['the page with a trailing slash', '/status/open/', {}],
    ['the page gzipped', '/status/open', { 'accept-encoding': 'gzip, br' }],
    ['the JSON', '/api/v1/public/status-pages/open', {}],
    ['the JSON gzipped', '/api/v1/public/status-pages/open', { 'accept-encoding': 'gzip' }],
    ['the page on its domain', '/', { host: 'STATUS.open.test:8080' }],
    ['the JSON on its domain', '/api/v1/public/status-pages/open', { host: 'status.open.test' }],
    ['a query string', '/status/open?utm=x', {}],
  ])('answers %s like Koa', async (_n, path, headers) => {
    const hits = h.sp.fastPath.hits;
    const [koa, fast] = await Promise.all([fetchRaw(h.url, path, headers), fetchRaw(h.fastUrl, path, headers)]);
    expect(h.sp.fastPath.hits).toBe(hits + 1);
    expect(fast.status).toBe(200);
    expect(fast.status).toBe(koa.status);
    expect(fast.headers).toEqual(koa.headers);
    expect(fast.body.equals(koa.body)).toBe(true);
  });

  it('answers HEAD and If-None-Match like Koa', async () => {
    const first = await fetchRaw(h.fastUrl, '/status/open', {});
    for (const [headers, method] of [[{ 'if-none-match': String(first.headers.etag) }, 'GET'], [{}, 'HEAD']] as const) {
      const [koa, fast] = await Promise.all([fetchRaw(h.url, '/status/open', headers, method), fetchRaw(h.fastUrl, '/status/open', headers, method)]);
      expect(fast.status).toBe(koa.status);
      expect(fast.headers).toEqual(koa.headers);
      expect(fast.body.length).toBe(0);
    }
  });

  it.each([
    ['a protected page', '/status/closed', {}],
    ['a protected page’s JSON', '/api/v1/public/status-pages/closed', {}],
    ['a protected page on its domain', '/', { host: 'status.closed.test' }],
    ['an unknown slug', '/status/nope', {}],
    ['another domain’s page', '/status/open', { host: 'status.closed.test' }],
    ['a feed', '/status/open/feed.atom', {}],
    ['a badge', '/status/open/badge.svg', {}],
    ['the dashboard', '/', {}],
  ])('leaves %s to Koa', async (_n, path, headers) => {
    const hits = h.sp.fastPath.hits;
    const [koa, fast] = await Promise.all([fetchRaw(h.url, path, headers), fetchRaw(h.fastUrl, path, headers)]);
    expect(h.sp.fastPath.hits).toBe(hits);
    expect(fast.status).toBe(koa.status);
  });

  it('runs no query', async () => {
    const spy = vi.spyOn(h.orm.em.getConnection(), 'execute');
    for (let i = 0; i < 20; i++) await fetchRaw(h.fastUrl, i % 2 ? '/status/open' : '/api/v1/public/status-pages/open', {});
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();
  });
});
