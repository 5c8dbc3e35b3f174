/**
 * Issue 13, bug 7 and rough edge 4 over HTTP: a status page's admin answer carries the absolute
 * addresses of its public documents (each answers with its own content type) and the DNS records
 * its custom domain needs; neither can be written, and a protected page's documents stay locked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './testing.js';

let h: Harness;
let orgId: string;
let owner: string;
let member: string;
let monitorId: string;
/** The app's PUBLIC_URL (derived from the port it listens on). */
let ORIGIN: string;

beforeAll(async () => {
  h = await startHarness();
  ORIGIN = h.app.config.PUBLIC_URL;
  ({ orgId, userId: owner } = await h.org());
  member = await h.addUser(orgId, 'member');
  [monitorId] = await h.monitors(orgId, 1);
});
afterAll(() => h?.close());

const create = (body: Record<string, unknown>) => h.api(owner, 'POST', `/orgs/${orgId}/status-pages`, body);
/** An absolute link's path, fetched from the harness's Koa (which is not at PUBLIC_URL). */
const fetchLink = (url: string, headers: Record<string, string> = {}) => {
  const u = new URL(url);
  return h.get(u.pathname + u.search, headers);
};

describe('links in the admin answer', () => {
  it('names the page, its JSON, feeds and badges on PUBLIC_URL, and each answers with its content type', async () => {
    const res = await create({ slug: 'links', title: 'Links', components: [{ name: 'API', monitorIds: [monitorId] }] });
    expect(res.status).toBe(201);
    const { links, components } = res.body;
    const base = `${ORIGIN}/status/links`;
    expect(links).toEqual({
      page: base,
      json: `${ORIGIN}/api/v1/public/status-pages/links`,
      atom: `${base}/feed.atom`,
      rss: `${base}/feed.rss`,
      badge: { status: `${base}/badge.svg`, uptime: `${base}/badge.svg?type=uptime` },
      components: [{ id: components[0].id, name: 'API', badge: { status: `${base}/components/${components[0].id}/badge.svg`, uptime: `${base}/components/${components[0].id}/badge.svg?type=uptime` } }],
    });
    const expected: Array<[string, RegExp]> = [
      [links.page, /^text\/html/],
      [links.json, /^application\/json/],
      [links.atom, /^application\/atom\+xml/],
      [links.rss, /^application\/rss\+xml/],
      [links.badge.status, /^image\/svg\+xml/],
      [links.badge.uptime, /^image\/svg\+xml/],
      [links.components[0].badge.status, /^image\/svg\+xml/],
      [links.components[0].badge.uptime, /^image\/svg\+xml/],
    ];
    for (const [url, type] of expected) {
      const r = await fetchLink(url);
      expect([url, r.status]).toEqual([url, 200]);
      expect(r.headers.get('content-type')).toMatch(type);
    }
    // The list and a member's read answer the same links.
    expect((await h.api(owner, 'GET', `/orgs/${orgId}/status-pages`)).body.find((p: { id: string }) => p.id === res.body.id).links).toEqual(links);
    expect((await h.api(member, 'GET', `/orgs/${orgId}/status-pages/${res.body.id}`)).body.links).toEqual(links);
  });

  it('a password-protected page lists the same links, and without its unlock each answers 401 PASSWORD_REQUIRED', async () => {
    const res = await create({ slug: 'locked', title: 'Locked', password: 'long enough secret' });
    expect(res.body.hasPassword).toBe(true);
    for (const url of [res.body.links.json, res.body.links.atom, res.body.links.rss, res.body.links.badge.status]) {
      const r = await fetchLink(url);
      expect([url, r.status]).toEqual([url, 401]);
      expect(((await r.json()) as { error: { code: string } }).error.code).toBe('PASSWORD_REQUIRED');
    }
  });
});

describe('DNS records in the admin answer', () => {
  it('none without a custom domain; with one, the pointing record (no port) and this page’s TXT proof', async () => {
    const plain = await create({ slug: 'no-domain', title: 'x' });
    expect(plain.body.dns).toBeNull();
    const res = await create({ slug: 'with-domain', title: 'x', customDomain: 'status.acme.test' });
    expect(res.body.dns).toEqual({
      records: [
        { type: 'A', name: 'status.acme.test', value: '127.0.0.1' },
        { type: 'TXT', name: '_pingpage.status.acme.test', value: res.body.domainVerification.token },
      ],
      privateTarget: true,
    });
    const other = await create({ slug: 'other-domain', title: 'x', customDomain: 'status.other.test' });
    expect(other.body.dns.records[1].value).not.toBe(res.body.domainVerification.token);
    // A changed domain gets its records at once.
    const patched = await h.api(owner, 'PATCH', `/orgs/${orgId}/status-pages/${res.body.id}`, { customDomain: 'www.acme.test' });
    expect(patched.body.dns.records.map((r: { name: string }) => r.name)).toEqual(['www.acme.test', '_pingpage.www.acme.test']);
  });
});

describe('the answer’s derived fields cannot be written', () => {
  it.each([
    ['links', { links: { page: 'https://evil.example' } }],
    ['dns', { dns: { records: [] } }],
    ['domainVerification', { domainVerification: { token: 'mine', verifiedAt: '2026-01-01T00:00:00Z' } }],
  ])('refuses %s: 400 unrecognized_keys, nothing changed', async (field, extra) => {
    const page = (await create({ slug: `ro-${field.toLowerCase()}`, title: 'Before', customDomain: `${field.toLowerCase()}.acme.test` })).body;
    const created = await h.api(owner, 'POST', `/orgs/${orgId}/status-pages`, { slug: `ro2-${field.toLowerCase()}`, title: 'x', ...extra });
    expect(created.status).toBe(400);
    expect(created.body.error.code).toBe('VALIDATION_FAILED');
    expect(created.body.error.details).toContainEqual(expect.objectContaining({ code: 'unrecognized_keys' }));
    const patched = await h.api(owner, 'PATCH', `/orgs/${orgId}/status-pages/${page.id}`, { title: 'After', ...extra });
    expect(patched.status).toBe(400);
    expect(patched.body.error.details).toContainEqual(expect.objectContaining({ code: 'unrecognized_keys' }));
    const now = (await h.api(owner, 'GET', `/orgs/${orgId}/status-pages/${page.id}`)).body;
    expect([now.title, now.links, now.dns, now.domainVerification]).toEqual([page.title, page.links, page.dns, page.domainVerification]);
    expect(await h.sql('SELECT 1 FROM status_pages WHERE slug = ?', [`ro2-${field.toLowerCase()}`])).toHaveLength(0);
  });
});
