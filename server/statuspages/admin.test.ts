/** The status pages admin API over HTTP: validation, conflicts, tenancy, roles, audit. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { proveDomains, startHarness, type Harness } from './testing.js';

let h: Harness;
let orgId: string;
let owner: string;
let member: string;
let monitors: string[];
let foreignMonitor: string;

beforeAll(async () => {
  h = await startHarness();
  ({ orgId, userId: owner } = await h.org());
  member = await h.addUser(orgId, 'member');
  monitors = await h.monitors(orgId, 3);
  const other = await h.org();
  [foreignMonitor] = await h.monitors(other.orgId, 1);
});
afterAll(() => h?.close());

const create = (body: Record<string, unknown>, as = owner, org = () => orgId) => h.api(as, 'POST', `/orgs/${org()}/status-pages`, body);

describe('creating and editing', () => {
  it('creates a page with grouped components, answers it, lists it, edits and deletes it', async () => {
    const res = await create({
      slug: 'acme',
      title: 'Acme',
      components: [
        { name: 'API', group: 'Core', monitorIds: [monitors[0], monitors[1]] },
        { name: 'Support', status: 'degraded_performance' },
      ],
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      slug: 'acme',
      title: 'Acme',
      hasPassword: false,
      url: '/status/acme',
      components: [
        { name: 'API', group: 'Core', position: 0, monitorIds: [monitors[0], monitors[1]].sort(), status: 'operational' },
        { name: 'Support', group: null, position: 1, monitorIds: [], status: 'degraded_performance' },
      ],
    });
    const id = res.body.id;
    expect((await h.api(owner, 'GET', `/orgs/${orgId}/status-pages`)).body.map((p: { id: string }) => p.id)).toContain(id);
    expect((await h.get('/status/acme')).status).toBe(200);

    // Reorder, keep API (by id), drop Support, add Web.
    const api = res.body.components[0];
    const patched = await h.api(owner, 'PATCH', `/orgs/${orgId}/status-pages/${id}`, {
      title: 'Acme Inc',
      components: [{ name: 'Web', monitorIds: [monitors[2]] }, { id: api.id, name: 'API v2', monitorIds: [monitors[0]] }],
    });
    expect(patched.status).toBe(200);
    expect(patched.body.components.map((c: { name: string; id: string }) => [c.name, c.id === api.id])).toEqual([['Web', false], ['API v2', true]]);
    expect(((await (await h.get('/api/v1/public/status-pages/acme')).json()) as any).title).toBe('Acme Inc');

    expect((await h.api(owner, 'DELETE', `/orgs/${orgId}/status-pages/${id}`)).status).toBe(204);
    expect((await h.get('/status/acme')).status).toBe(404);
    expect((await h.api(owner, 'GET', `/orgs/${orgId}/status-pages/${id}`)).status).toBe(404);
  });

  it('records every write in the audit log, without secrets', async () => {
    const res = await create({ slug: 'audited', title: 'A', password: 'hunter22-secret', customCss: 'a { color: red }' });
    await h.api(owner, 'PATCH', `/orgs/${orgId}/status-pages/${res.body.id}`, { password: null });
    await h.api(owner, 'DELETE', `/orgs/${orgId}/status-pages/${res.body.id}`);
    const log = await h.sql<{ action: string; details: unknown }>('SELECT action, details FROM audit_log WHERE target = ? ORDER BY id', [res.body.id]);
    expect(log.map((l) => l.action)).toEqual(['status_page.created', 'status_page.updated', 'status_page.deleted']);
    expect(JSON.stringify(log)).not.toContain('hunter22');
  });

  it('stores the password as bcrypt cost 12 and never answers it', async () => {
    const res = await create({ slug: 'secret-page', title: 'S', password: 'correct horse' });
    expect(res.body.hasPassword).toBe(true);
    expect(JSON.stringify(res.body)).not.toMatch(/correct horse|\$2b\$/);
    const [row] = await h.sql<{ password_hash: string }>('SELECT password_hash FROM status_pages WHERE id = ?', [res.body.id]);
    expect(row!.password_hash).toMatch(/^\$2b\$12\$/);
  });
});

describe('bad input', () => {
  it.each([
    ['an uppercase slug', { slug: 'Acme', title: 'x' }, 'slug', 'invalid_format'],
    ['a slug starting with a dash', { slug: '-acme', title: 'x' }, 'slug', 'invalid_format'],
    ['a 61-character slug', { slug: 'a'.repeat(61), title: 'x' }, 'slug', 'invalid_format'],
    ['a markup slug', { slug: '<script>alert(1)</script>', title: 'x' }, 'slug', 'invalid_format'],
    ['a reserved slug', { slug: 'api', title: 'x' }, 'slug', 'SLUG_RESERVED'],
    ['an empty title', { slug: 'ok-1', title: ' ' }, 'title', 'too_small'],
    ['an unknown field', { slug: 'ok-2', title: 'x', admin: true }, '', 'unrecognized_keys'],
    ['a named brand colour', { slug: 'ok-3', title: 'x', brandColor: 'red' }, 'brandColor', 'invalid_format'],
    ['a javascript: footer link', { slug: 'ok-4', title: 'x', footerLinks: [{ label: 'x', url: 'javascript:alert(1)' }] }, 'footerLinks.0.url', 'INVALID_URL'],
    ['a javascript: logo', { slug: 'ok-5', title: 'x', logoUrl: 'javascript:alert(1)' }, 'logoUrl', 'INVALID_LOGO_URL'],
    ['a domain with a scheme', { slug: 'ok-6', title: 'x', customDomain: 'https://status.example.com' }, 'customDomain', 'invalid_format'],
    ['a short password', { slug: 'ok-7', title: 'x', password: 'short' }, 'password', 'PASSWORD_TOO_SHORT'],
    ['an unknown manual status', { slug: 'ok-8', title: 'x', components: [{ name: 'c', status: 'broken' }] }, 'components.0.status', 'invalid_value'],
    ['a monitor id that is not a uuid', { slug: 'ok-9', title: 'x', components: [{ name: 'c', monitorIds: ['1'] }] }, 'components.0.monitorIds.0', 'invalid_format'],
    ['another org’s monitor', { slug: 'ok-10', title: 'x', components: [{ name: 'c', monitorIds: [] }, { name: 'd', monitorIds: ['$foreign'] }] }, 'components.1.monitorIds.0', 'UNKNOWN_MONITOR'],
  ])('refuses %s: 400 with the field path, nothing stored', async (_n, body, path, code) => {
    const input = JSON.parse(JSON.stringify(body).replace('$foreign', foreignMonitor));
    const res = await create(input);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.details).toContainEqual(expect.objectContaining({ path, code }));
    expect(await h.sql('SELECT 1 FROM status_pages WHERE slug = ?', [String(input.slug)])).toHaveLength(0);
  });

  it.each([
    ['a taken slug', { slug: 'taken', title: 'x' }, { slug: 'taken', title: 'y' }, 'SLUG_TAKEN'],
    ['a taken domain, whatever its case', { slug: 'd1', title: 'x', customDomain: 'status.taken.test' }, { slug: 'd2', title: 'y', customDomain: 'STATUS.Taken.test' }, 'DOMAIN_TAKEN'],
  ])('refuses %s with 409', async (_n, first, second, code) => {
    expect((await create(first)).status).toBe(201);
    await proveDomains(h.orm, h.sp.store); // a domain is only taken once proven (domains.test.ts)
    const res = await create(second);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe(code);
  });

  it('refuses an unknown component id on PATCH', async () => {
    const page = (await create({ slug: 'patch-bad', title: 'x' })).body;
    const res = await h.api(owner, 'PATCH', `/orgs/${orgId}/status-pages/${page.id}`, { components: [{ id: monitors[0], name: 'x' }] });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toContainEqual(expect.objectContaining({ path: 'components.0.id', code: 'UNKNOWN_COMPONENT' }));
  });
});

describe('tenancy and roles', () => {
  it('another org sees none of this org’s pages: 404, never 403', async () => {
    const page = (await create({ slug: 'mine', title: 'Mine' })).body;
    const other = await h.org();
    for (const [method, body] of [['GET', undefined], ['PATCH', { title: 'Hijacked' }], ['DELETE', undefined]] as const) {
      expect((await h.api(other.userId, method, `/orgs/${other.orgId}/status-pages/${page.id}`, body)).status).toBe(404);
      expect((await h.api(other.userId, method, `/orgs/${orgId}/status-pages/${page.id}`, body)).status).toBe(404);
    }
    expect((await h.api(other.userId, 'GET', `/orgs/${other.orgId}/status-pages`)).body).toEqual([]);
    expect((await h.api(owner, 'GET', `/orgs/${orgId}/status-pages/${page.id}`)).body.title).toBe('Mine');
  });

  it('a member reads pages but cannot write them (403)', async () => {
    const page = (await create({ slug: 'members-view', title: 'M' })).body;
    expect((await h.api(member, 'GET', `/orgs/${orgId}/status-pages/${page.id}`)).status).toBe(200);
    expect((await create({ slug: 'by-member', title: 'x' }, member)).status).toBe(403);
    expect((await h.api(member, 'PATCH', `/orgs/${orgId}/status-pages/${page.id}`, { title: 'x' })).status).toBe(403);
    expect((await h.api(member, 'DELETE', `/orgs/${orgId}/status-pages/${page.id}`)).status).toBe(403);
  });
});
