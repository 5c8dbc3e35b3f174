/**
 * Issue 12, hole 11 (custom domains): a status page is served on a custom domain only after its
 * owner proves the domain with a TXT record `_pingpage.<domain>` holding the page's token, looked
 * up with c-ares at a real DNS server on 127.0.0.1. The daily re-check unserves a domain whose
 * record is gone twice in a row (a fake clock), and two organizations never both hold one.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../scheduler/fake-clock.js';
import { startTestApp, type TestApp } from '../testing/app.js';
import { signUp, TestClient } from '../testing/client.js';
import { txtServer, type TxtServer } from '../testing/dns.js';

const HOUR = 3_600_000;

let app: TestApp;
let dns: TxtServer;
const clock = new FakeClock();
let alice: TestClient;
let orgA: string;
let bob: TestClient;
let orgB: string;

/** GET with any Host header (fetch will not send one of our choosing). */
function byHost(host: string, path = '/'): Promise<{ status: number; text: string }> {
  const url = new URL(app.url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, path, headers: { host } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, text }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function page(client: TestClient, orgId: string, slug: string, customDomain: string) {
  const res = await client.post(`/orgs/${orgId}/status-pages`, { slug, title: `${slug} title`, customDomain });
  return res;
}

const verify = (client: TestClient, orgId: string, id: string) => client.post(`/orgs/${orgId}/status-pages/${id}/domain/verify`);

/** Lets the daily check run `hours` times over, one hourly pass at a time. */
async function hoursPass(hours: number) {
  for (let i = 0; i < hours; i++) {
    await clock.advance(HOUR);
    await app.statusPages.domains.idle();
  }
}

beforeAll(async () => {
  dns = await txtServer();
  app = await startTestApp({ PINGPAGE_SIGNUP: 'open', PINGPAGE_DNS_SERVERS: dns.server }, { domains: { clock } });
  ({ client: alice, orgId: orgA } = await signUp(app.url, 'alice@example.com', { orgName: 'Alpha' }));
  ({ client: bob, orgId: orgB } = await signUp(app.url, 'bob@example.com', { orgName: 'Mallory' }));
});
afterAll(async () => {
  await app?.stop();
  await dns?.close();
});

describe('custom domains', () => {
  let alpha: { id: string; domainVerification: { record: string; token: string } };

  it('are not served until proven: anyone may type a domain, even one another org typed', async () => {
    // Mallory types Alice's domain first: her claim is not served.
    expect((await page(bob, orgB, 'shadow', 'status.alpha.test')).status).toBe(201);
    expect((await byHost('status.alpha.test')).status).toBe(404);
    const created = await page(alice, orgA, 'alpha', 'status.alpha.test');
    expect(created.status).toBe(201);
    alpha = created.body;
    for (const host of ['status.alpha.test', 'STATUS.alpha.test:443']) {
      const res = await byHost(host);
      expect(res.status).toBe(404);
      expect(res.text).not.toContain('title');
    }
    expect((await byHost('status.alpha.test', '/feed.atom')).status).toBe(404);
    expect(created.body.domainVerification).toMatchObject({ record: '_pingpage.status.alpha.test', token: expect.stringMatching(/^pingpage-verify-[0-9a-f]{32}$/), verifiedAt: null });
  });

  it.each([
    ['no record', () => undefined, 'TXT_MISSING'],
    ["another page's token", () => ['pingpage-verify-00000000000000000000000000000000'], 'TXT_MISMATCH'],
    ['the token in a record of its own name', () => [], 'TXT_MISSING'],
  ])('refuses to verify with %s: 400 DOMAIN_NOT_VERIFIED', async (_what, records, code) => {
    dns.txt.clear();
    const r = records();
    if (r?.length) dns.txt.set('_pingpage.status.alpha.test', r);
    else if (r) dns.txt.set('status.alpha.test', [alpha.domainVerification.token]);
    const res = await verify(alice, orgA, alpha.id);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'DOMAIN_NOT_VERIFIED', details: [{ path: 'customDomain', code }] });
    expect((await byHost('status.alpha.test')).status).toBe(404);
    expect((await alice.get(`/orgs/${orgA}/status-pages/${alpha.id}`)).body.domainVerification).toMatchObject({ verifiedAt: null, error: res.body.error.message });
  });

  it("is refused for a page of another organization (404), a key without status-pages:write (403), a page without a domain (400)", async () => {
    dns.txt.set('_pingpage.status.alpha.test', [alpha.domainVerification.token]);
    expect((await verify(bob, orgB, alpha.id)).status).toBe(404);
    expect((await verify(bob, orgA, alpha.id)).status).toBe(404);
    const key = await alice.post(`/orgs/${orgA}/api-keys`, { name: 'read', scopes: ['status-pages:read'] });
    expect((await verify(new TestClient(app.url, { apiKey: key.body.key, origin: null }), orgA, alpha.id)).status).toBe(403);
    const plain = await alice.post(`/orgs/${orgA}/status-pages`, { slug: 'plain', title: 'Plain' });
    expect((await verify(alice, orgA, plain.body.id)).body.error.code).toBe('NO_CUSTOM_DOMAIN');
  });

  it('serves the page on its domain once the TXT record holds its token, and audits it', async () => {
    dns.txt.set('_pingpage.status.alpha.test', ['v=spf1 -all', alpha.domainVerification.token]);
    const res = await verify(alice, orgA, alpha.id);
    expect(res.status).toBe(200);
    expect(res.body.domainVerification).toMatchObject({ verifiedAt: new Date(clock.now()).toISOString(), error: null });
    const served = await byHost('status.alpha.test');
    expect(served.status).toBe(200);
    expect(served.text).toContain('<title>alpha title status</title>');
    const audit = (await alice.get(`/orgs/${orgA}/audit-log`)).body as Array<{ action: string; target: string }>;
    expect(audit).toContainEqual(expect.objectContaining({ action: 'status_page.domain_verified', target: alpha.id }));
  });

  it('cannot be taken by a second organization, even with its own record in place', async () => {
    const shadow = (await bob.get(`/orgs/${orgB}/status-pages`)).body.find((p: { slug: string }) => p.slug === 'shadow');
    dns.txt.set('_pingpage.status.alpha.test', [alpha.domainVerification.token, shadow.domainVerification.token]);
    const res = await verify(bob, orgB, shadow.id);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('DOMAIN_TAKEN');
    expect((await page(bob, orgB, 'shadow-2', 'status.alpha.test')).body.error.code).toBe('DOMAIN_TAKEN');
    expect((await bob.patch(`/orgs/${orgB}/status-pages/${shadow.id}`, { customDomain: 'STATUS.ALPHA.TEST' })).body.error.code).toBe('DOMAIN_TAKEN');
    const served = await byHost('status.alpha.test');
    expect(served.text).toContain('alpha title');
    expect(served.text).not.toContain('shadow title');
  });

  it('is re-checked daily: one missing record is forgiven, two in a row stop the domain, audited', async () => {
    dns.txt.delete('_pingpage.status.alpha.test');
    await hoursPass(24);
    expect((await byHost('status.alpha.test')).status).toBe(200);
    expect((await alice.get(`/orgs/${orgA}/status-pages/${alpha.id}`)).body.domainVerification).toMatchObject({ verifiedAt: expect.any(String), error: expect.stringContaining('no TXT record') });
    await hoursPass(24);
    expect((await byHost('status.alpha.test')).status).toBe(404);
    expect((await alice.get(`/orgs/${orgA}/status-pages/${alpha.id}`)).body.domainVerification.verifiedAt).toBeNull();
    const audit = (await alice.get(`/orgs/${orgA}/audit-log`)).body as Array<{ action: string; target: string; details: Record<string, unknown> }>;
    expect(audit).toContainEqual(expect.objectContaining({ action: 'status_page.domain_unverified', target: alpha.id, details: expect.objectContaining({ domain: 'status.alpha.test' }) }));
  });

  it('is picked up by the daily check once its record appears, and a changed domain needs its own proof', async () => {
    dns.txt.set('_pingpage.status.alpha.test', [alpha.domainVerification.token]);
    await hoursPass(24);
    expect((await byHost('status.alpha.test')).status).toBe(200);
    const moved = await alice.patch(`/orgs/${orgA}/status-pages/${alpha.id}`, { customDomain: 'status.beta.test' });
    expect(moved.body.domainVerification).toMatchObject({ record: '_pingpage.status.beta.test', verifiedAt: null });
    expect((await byHost('status.alpha.test')).status).toBe(404);
    expect((await byHost('status.beta.test')).status).toBe(404);
  });
});
