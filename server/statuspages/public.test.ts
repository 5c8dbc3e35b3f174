/**
 * What visitors get: complete inert HTML under a strict CSP, password protection, custom domains,
 * feeds, badges, JSON; answered from memory (zero queries), also with the database gone.
 */
import http from 'node:http';
import { XMLValidator } from 'fast-xml-parser';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { proveDomains, startHarness, type Harness } from './testing.js';
import { activeContent, parseXml, textOf, walk, XSS } from './xml.js';

let h: Harness;
let orgId: string;
let owner: string;
let monitors: string[];
const payload = XSS.join(' ');

beforeAll(async () => {
  h = await startHarness();
  ({ orgId, userId: owner } = await h.org());
  monitors = await h.monitors(orgId, 2);
});
afterAll(() => h?.close());

async function page(body: Record<string, unknown>) {
  const res = await h.api(owner, 'POST', `/orgs/${orgId}/status-pages`, body);
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  return res.body as { id: string; slug: string; components: Array<{ id: string }> };
}

/** A request with any Host header (fetch will not send one of our choosing). */
function raw(path: string, headers: Record<string, string> = {}, method = 'GET', body?: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }> {
  const url = new URL(h.url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, path, method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('hostile content is inert', () => {
  let pageId: string;
  beforeAll(async () => {
    const p = await page({
      slug: 'hostile',
      title: payload.slice(0, 100),
      description: payload,
      footerLinks: [{ label: payload.slice(0, 60), url: 'https://example.com/?q="><script>' }],
      customCss: 'body { background: url(https://evil.example/x.png); color: red } </style><script>alert(1)</script> @import "https://evil.example/a.css";',
      components: [{ name: payload.slice(0, 100), description: payload.slice(0, 500), group: payload.slice(0, 60), monitorIds: [monitors[0]] }],
    });
    pageId = p.id;
    const inc = await h.api(owner, 'POST', `/orgs/${orgId}/incidents`, {
      title: payload.slice(0, 200),
      impact: 'major',
      message: `${payload}\n\n[click](javascript:alert(1)) <img src=x onerror=alert(1)>`,
      components: [{ componentId: p.components[0]!.id, status: 'major_outage' }],
    });
    expect(inc.status).toBe(201);
    await h.api(owner, 'POST', `/orgs/${orgId}/maintenances`, {
      title: payload.slice(0, 200),
      description: payload,
      startsAt: new Date(Date.now() + 3_600_000).toISOString(),
      endsAt: new Date(Date.now() + 7_200_000).toISOString(),
      statusPageIds: [p.id],
    });
  });

  it('the page is well-formed, shows the payloads as text and runs nothing but our script', async () => {
    const res = await h.get('/status/hostile');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe');
    const root = parseXml(await res.text());
    expect(activeContent(root)).toEqual([]);
    expect(textOf(root)).toContain('<script>alert(1)</script>');
    expect([...walk(root)].filter((e) => e.name === 'article')).toHaveLength(2); // the incident and the window
  });

  it('the incident page and the JSON carry the payloads as data', async () => {
    const json = (await (await h.get('/api/v1/public/status-pages/hostile')).json()) as any;
    expect(json.title).toBe(payload.slice(0, 100));
    const detail = await h.get(`/status/hostile/incidents/${json.incidents[0].id}`);
    expect(detail.status).toBe(200);
    expect(activeContent(parseXml(await detail.text()))).toEqual([]);
  });

  it('custom CSS is served sanitized as a stylesheet of its own', async () => {
    const html = await (await h.get('/status/hostile')).text();
    const href = /href="(\/status\/hostile\/theme\.css\?v=[^"]+)"/.exec(html)![1]!;
    const css = await h.get(href);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    const text = await css.text();
    expect(text).toContain('color: red');
    expect(text).not.toMatch(/url\(|@import|evil|<|script/);
  });

  it.each([
    ['/status/%3Cscript%3Ealert(1)%3C%2Fscript%3E'],
    ['/status/"><svg onload=alert(1)>'],
    ['/status/hostile/incidents/<script>'],
  ])('an unknown path %s answers 404 without reflecting it', async (path) => {
    const res = await raw(encodeURI(decodeURI(path)));
    expect(res.status).toBe(404);
    expect(res.text).not.toMatch(/alert|<svg|<script>/);
  });

  it('the Atom and RSS feeds parse, with the right types, and their HTML is inert', async () => {
    for (const [path, type, root] of [['/status/hostile/feed.atom', 'application/atom+xml', 'feed'], ['/status/hostile/feed.rss', 'application/rss+xml', 'rss']] as const) {
      const res = await h.get(path);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(`${type}; charset=utf-8`);
      const text = await res.text();
      expect(XMLValidator.validate(text)).toBe(true); // a second, independent parser agrees
      const doc = parseXml(text);
      expect(doc.name).toBe(root);
      const bodies = [...walk(doc)].filter((e) => e.name === 'content' || e.name === 'description').slice(root === 'rss' ? 1 : 0);
      expect(bodies.length).toBe(2);
      for (const b of bodies) expect(activeContent(parseXml(`<div>${textOf(b)}</div>`))).toEqual([]);
    }
  });

  it('badges are valid SVG with the right type and a short cache', async () => {
    const p = (await h.api(owner, 'GET', `/orgs/${orgId}/status-pages/${pageId}`)).body;
    for (const path of ['/status/hostile/badge.svg', '/status/hostile/badge.svg?type=uptime', `/status/hostile/components/${p.components[0].id}/badge.svg`, `/status/hostile/components/${p.components[0].id}/badge.svg?type=uptime`]) {
      const res = await h.get(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8');
      expect(res.headers.get('cache-control')).toBe('public, max-age=60');
      expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
      const text = await res.text();
      expect(XMLValidator.validate(text)).toBe(true);
      const svg = parseXml(text);
      expect(svg.name).toBe('svg');
      expect(activeContent(svg)).toEqual([]);
    }
    expect((await h.get(`/status/hostile/components/${monitors[0]}/badge.svg`)).status).toBe(404);
    expect(parseXml(await (await h.get('/status/hostile/badge.svg')).text()).attrs['aria-label']).toBe('status: major outage');
  });
});

describe('password-protected pages', () => {
  let locked: { id: string; slug: string };
  let other: { id: string; slug: string };
  beforeAll(async () => {
    locked = await page({ slug: 'locked', title: 'Locked', description: 'secret description', password: 'open sesame', components: [{ name: 'Secret component' }] });
    other = await page({ slug: 'locked-too', title: 'Other', password: 'open sesame' });
  });

  it('asks for the password, shows nothing of the page and is noindex', async () => {
    const res = await h.get('/status/locked');
    expect(res.status).toBe(401);
    expect(res.headers.get('x-robots-tag')).toBe('noindex, nofollow');
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    const html = await res.text();
    const root = parseXml(html);
    expect([...walk(root)].some((e) => e.name === 'meta' && e.attrs.name === 'robots' && e.attrs.content.includes('noindex'))).toBe(true);
    expect([...walk(root)].some((e) => e.name === 'input' && e.attrs.type === 'password')).toBe(true);
    expect(html).not.toMatch(/Secret component|secret description/);
  });

  it.each([
    ['/api/v1/public/status-pages/locked'],
    ['/status/locked/feed.atom'],
    ['/status/locked/feed.rss'],
    ['/status/locked/badge.svg'],
    ['/status/locked/badge.svg?type=uptime'],
  ])('refuses %s without it (401 PASSWORD_REQUIRED)', async (path) => {
    const res = await h.get(path);
    expect(res.status).toBe(401);
    expect(((await res.json()) as any).error.code).toBe('PASSWORD_REQUIRED');
    expect(res.headers.get('x-robots-tag')).toBe('noindex, nofollow');
  });

  it('a wrong password is refused; the right one gives a cookie for this page only', async () => {
    const form = (password: string, slug = 'locked') =>
      raw(`/status/${slug}/unlock`, { 'content-type': 'application/x-www-form-urlencoded', host: new URL(h.url).host }, 'POST', `password=${encodeURIComponent(password)}`);
    expect((await form('wrong one')).status).toBe(401);
    const ok = await form('open sesame');
    expect(ok.status).toBe(303);
    expect(ok.headers.location).toBe('/status/locked');
    const setCookie = ok.headers['set-cookie']![0]!;
    expect(setCookie).toMatch(/httponly/i);
    expect(setCookie).toMatch(/samesite=lax/i);
    const cookie = setCookie.split(';')[0]!;
    const page = await h.get('/status/locked', { cookie });
    expect(page.status).toBe(200);
    expect(page.headers.get('x-robots-tag')).toBe('noindex, nofollow');
    const html = await page.text();
    expect(html).toContain('Secret component');
    expect(html).toMatch(/<meta name="robots" content="noindex/);
    expect((await h.get('/api/v1/public/status-pages/locked', { cookie })).status).toBe(200);
    expect((await h.get('/status/locked/feed.atom', { cookie })).status).toBe(200);
    // The same cookie (renamed, too) does not open another page with the same password.
    expect((await h.get('/status/locked-too', { cookie })).status).toBe(401);
    expect((await h.get('/status/locked-too', { cookie: cookie.replace(locked.id.replace(/-/g, ''), other.id.replace(/-/g, '')) })).status).toBe(401);
    expect(h.sp.hub.canView('locked', cookie)).toBe(true);
    expect(h.sp.hub.canView('locked-too', cookie)).toBe(false);
    // Changing the password closes it again.
    await h.api(owner, 'PATCH', `/orgs/${orgId}/status-pages/${locked.id}`, { password: 'another secret' });
    expect((await h.get('/status/locked', { cookie })).status).toBe(401);
  });

  it('refuses a cross-site form post', async () => {
    const res = await raw('/status/locked-too/unlock', { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' }, 'POST', 'password=open+sesame');
    expect(res.status).toBe(403);
  });

  it('limits guesses per address (429 with Retry-After)', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 11; i++) {
      codes.push((await raw('/status/locked-too/unlock', { 'content-type': 'application/x-www-form-urlencoded' }, 'POST', `password=guess-${i}`)).status);
    }
    expect(codes.slice(0, 10).every((c) => c === 401)).toBe(true);
    const blocked = await raw('/status/locked-too/unlock', { 'content-type': 'application/x-www-form-urlencoded' }, 'POST', 'password=open+sesame');
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
  });
});

describe('custom domains', () => {
  beforeAll(async () => {
    await page({ slug: 'alpha', title: 'Alpha', customDomain: 'status.alpha.test' });
    const b = await h.org();
    const res = await h.api(b.userId, 'POST', `/orgs/${b.orgId}/status-pages`, { slug: 'beta', title: 'Beta', customDomain: 'status.beta.test' });
    expect(res.status).toBe(201);
    await proveDomains(h.orm, h.sp.store); // served only once proven (domains.test.ts)
  });

  it.each([
    ['status.alpha.test', 'Alpha status'],
    ['STATUS.Alpha.TEST:8443', 'Alpha status'],
    ['status.alpha.test.', 'Alpha status'],
    ['status.beta.test', 'Beta status'],
  ])('Host %s at / serves %s', async (host, title) => {
    const res = await raw('/', { host });
    expect(res.status).toBe(200);
    expect(res.text).toContain(`<title>${title}</title>`);
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.text).toContain('href="/theme.css?v=');
  });

  it.each([
    ['an unknown host at /', 'other.test', '/'],
    ['the other org’s page by slug on this domain', 'status.alpha.test', '/status/beta'],
    ['the other org’s JSON on this domain', 'status.alpha.test', '/api/v1/public/status-pages/beta'],
    ['the other org’s badge on this domain', 'status.alpha.test', '/status/beta/badge.svg'],
  ])('never serves a page for the wrong Host: %s', async (_n, host, path) => {
    const res = await raw(path, { host });
    expect(res.status).toBe(404);
    expect(res.text).not.toContain('Beta status');
    expect(res.text).not.toContain('Alpha status');
  });

  it('serves feeds and badges at the domain root with links on the domain', async () => {
    const feed = await raw('/feed.atom', { host: 'status.alpha.test' });
    expect(feed.status).toBe(200);
    expect(parseXml(feed.text).name).toBe('feed');
    expect(feed.text).toContain('href="http://status.alpha.test/feed.atom"');
    expect((await raw('/badge.svg', { host: 'status.alpha.test' })).status).toBe(200);
  });

  it('names a tab icon the page serves, so a browser never asks for a missing /favicon.ico', async () => {
    for (const [path, host] of [['/', 'status.alpha.test'], ['/status/alpha', 'localhost'], ['/status/nope', 'localhost']] as const) {
      const res = await raw(path, { host });
      const icon = /<link rel="icon" href="([^"]+)"\/>/.exec(res.text)?.[1];
      expect(icon, `${host}${path}`).toBe('/status/_/icon.svg');
      const got = await raw(icon!, { host });
      expect(got.status).toBe(200);
      expect(got.headers['content-type']).toBe('image/svg+xml');
      expect(XMLValidator.validate(got.text)).toBe(true);
    }
    // A page with a logo shows it in the tab too.
    await page({ slug: 'logoed', title: 'Logoed', logoUrl: 'https://cdn.example.com/logo.png' });
    expect((await raw('/status/logoed', { host: 'localhost' })).text).toContain('<link rel="icon" href="https://cdn.example.com/logo.png"/>');
  });
});

describe('delivery from memory', () => {
  it('answers visitors with zero database queries', async () => {
    const p = await page({ slug: 'counted', title: 'Counted', components: [{ name: 'A', monitorIds: monitors }] });
    const conn = h.orm.em.getConnection();
    const spy = vi.spyOn(conn, 'execute');
    const paths = ['/status/counted', '/api/v1/public/status-pages/counted', '/status/counted/feed.atom', '/status/counted/feed.rss', '/status/counted/badge.svg', `/status/counted/components/${p.components[0]!.id}/badge.svg?type=uptime`, '/status/counted/theme.css', '/status/_/status.css', '/status/nope'];
    for (let i = 0; i < 5; i++) for (const path of paths) await (await h.get(path, { 'accept-encoding': 'gzip' })).arrayBuffer();
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();
  });

  it('revalidates with ETag (304) and compresses when asked', async () => {
    const first = await h.get('/status/counted', { 'accept-encoding': 'gzip' });
    expect(first.headers.get('content-encoding')).toBe('gzip');
    const again = await h.get('/status/counted', { 'if-none-match': first.headers.get('etag')! });
    expect(again.status).toBe(304);
  });

  it('keeps serving the last snapshot, with its time, while the database is unreachable', async () => {
    await page({ slug: 'resilient', title: 'Resilient', components: [{ name: 'Core' }] });
    const before = (await (await h.get('/api/v1/public/status-pages/resilient')).json()) as any;
    const admin = new pg.Client({ connectionString: inject('pgAdminUrl') });
    await admin.connect();
    await admin.query(`ALTER DATABASE ${h.db.name} WITH ALLOW_CONNECTIONS false`);
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [h.db.name]);
    try {
      const failuresBefore = h.sp.store.failures;
      await h.sp.store.refreshAll();
      expect(h.sp.store.failures).toBeGreaterThan(failuresBefore);
      const res = await h.get('/status/resilient');
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain('Core');
      expect(html).toContain(`<time id="updated" datetime="${before.updatedAt}">`);
      expect(((await (await h.get('/api/v1/public/status-pages/resilient')).json()) as any).updatedAt).toBe(before.updatedAt);
    } finally {
      await admin.query(`ALTER DATABASE ${h.db.name} WITH ALLOW_CONNECTIONS true`);
      await admin.end();
    }
  });
});
