/**
 * TRUST_PROXY (hole 11): the client's address is walked from the right of X-Forwarded-For, past
 * trusted proxies only, so a client cannot claim another address by writing the header itself.
 */
import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { StartupError } from '../errors.js';
import { startTestApp, type TestApp } from '../testing/app.js';
import { signUp, TestClient } from '../testing/client.js';
import { proveDomains } from '../statuspages/testing.js';
import { clientIp, forwarded, parseProxyTrust, type ProxyTrust } from './proxy.js';

const request = (peer: string, headers: Record<string, string> = {}) => ({ socket: { remoteAddress: peer }, headers }) as unknown as IncomingMessage;
const none: ProxyTrust = { kind: 'none' };
const one: ProxyTrust = { kind: 'hops', hops: 1 };
const two: ProxyTrust = { kind: 'hops', hops: 2 };
const listed: ProxyTrust = { kind: 'addresses', ranges: ['10.0.0.5', '172.18.0.0/16', 'fd00::/8'] };

describe('parseProxyTrust', () => {
  it.each([
    ['false', none],
    ['0', none],
    ['no', none],
    ['true', one],
    ['yes', one],
    ['1', one],
    ['2', two],
    ['10.0.0.5, 172.18.0.0/16,fd00::/8', listed],
  ])('%s', (value, trust) => {
    expect(parseProxyTrust(value)).toEqual(trust);
  });

  it.each([['maybe'], ['11'], ['10.0.0.0/33'], ['10.0.0.1/8/2'], ['::1/129'], ['proxy.internal'], [','], ['10.0.0.1,*']])('refuses %s', (value) => {
    expect(() => parseProxyTrust(value)).toThrow();
    expect(() => loadConfig({ DATA_DIR: '/tmp', SESSION_SECRET: 'x'.repeat(32), TRUST_PROXY: value })).toThrow(StartupError);
    expect(() => loadConfig({ DATA_DIR: '/tmp', SESSION_SECRET: 'x'.repeat(32), TRUST_PROXY: value })).toThrow(/^TRUST_PROXY: /);
  });
});

describe('clientIp', () => {
  it.each([
    // trust, socket peer, X-Forwarded-For, client
    ['none: the header is ignored', none, '198.51.100.1', '6.6.6.6', '198.51.100.1'],
    ['none: IPv4-mapped peers read as IPv4', none, '::ffff:198.51.100.1', undefined, '198.51.100.1'],
    ['1 hop: the rightmost entry, not the leftmost', one, '10.0.0.5', '6.6.6.6, 203.0.113.9', '203.0.113.9'],
    ['1 hop: one entry', one, '10.0.0.5', '203.0.113.9', '203.0.113.9'],
    ['1 hop: no header, the peer', one, '10.0.0.5', undefined, '10.0.0.5'],
    ['1 hop: garbage where the proxy writes, the proxy', one, '10.0.0.5', '6.6.6.6, unknown', '10.0.0.5'],
    ['1 hop: a port on the entry', one, '10.0.0.5', '203.0.113.9:4711', '203.0.113.9'],
    ['1 hop: bracketed IPv6 with a port', one, '10.0.0.5', '[2001:db8::9]:4711', '2001:db8::9'],
    ['2 hops: skips one proxy in the header', two, '10.0.0.5', '6.6.6.6, 203.0.113.9, 10.0.0.4', '203.0.113.9'],
    ['2 hops: fewer entries than hops, the leftmost', two, '10.0.0.5', '203.0.113.9', '203.0.113.9'],
    ['list: an unlisted peer is the client, whatever it claims', listed, '198.51.100.1', '203.0.113.9', '198.51.100.1'],
    ['list: a listed peer, the first unlisted from the right', listed, '10.0.0.5', '6.6.6.6, 203.0.113.9, 172.18.3.4', '203.0.113.9'],
    ['list: CIDR and IPv6 proxies', listed, 'fd00::1', '6.6.6.6, 203.0.113.9, 172.18.0.9, 10.0.0.5', '203.0.113.9'],
    ['list: all listed, the leftmost', listed, '10.0.0.5', '172.18.0.2', '172.18.0.2'],
    ['list: a listed IPv4-mapped peer', listed, '::ffff:10.0.0.5', '203.0.113.9', '203.0.113.9'],
  ])('%s', (_name, trust, peer, xff, client) => {
    expect(clientIp(request(peer, xff === undefined ? {} : { 'x-forwarded-for': xff }), trust)).toBe(client);
  });

  it.each([
    ['none', none, '10.0.0.5', undefined],
    ['1 hop: the value the proxy set', one, '10.0.0.5', 'https'],
    ['list: from an unlisted peer, nothing', listed, '198.51.100.1', undefined],
    ['list: from a listed peer', listed, '10.0.0.5', 'https'],
  ])('X-Forwarded-Proto with %s', (_name, trust, peer, proto) => {
    expect(forwarded(request(peer, { 'x-forwarded-proto': 'http, https' }), trust, 'x-forwarded-proto')).toBe(proto);
  });
});

/** A protected page on a custom domain, to see which Host and scheme the server believes. */
async function protectedPage(app: TestApp, email: string) {
  const { client, orgId } = await signUp(app.url, email, { orgName: 'Acme' });
  const res = await client.post(`/orgs/${orgId}/status-pages`, { slug: 'own', title: 'Own', customDomain: 'status.own.test', password: 'open sesame' });
  expect(res.status).toBe(201);
  await proveDomains(app.orm, app.statusPages.store); // as if its TXT record were checked: only proven domains are served
}

const unlock = (app: TestApp, headers: Record<string, string>) =>
  fetch(`${app.url}/status/own/unlock`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: app.url, ...headers },
    body: 'password=open+sesame',
  });

describe('a whole server', () => {
  describe('TRUST_PROXY=1', () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startTestApp({ PINGPAGE_SIGNUP: 'open', TRUST_PROXY: '1' });
    });
    afterAll(() => app?.stop());

    it('a spoofed leftmost X-Forwarded-For does not escape the per-address limit', async () => {
      await signUp(app.url, 'spoof@example.com');
      const codes: number[] = [];
      for (let i = 0; i < 12; i++) {
        // What the proxy passes on when the client wrote its own header: the claim, then the real address.
        const res = await new TestClient(app.url).post('/auth/login', { email: 'spoof@example.com', password: `guess-${i}` }, { 'x-forwarded-for': `192.0.2.${i + 1}, 198.51.100.77` });
        codes.push(res.status);
      }
      expect(codes).toEqual([...Array(10).fill(401), 429, 429]);
    });

    it('records the address the proxy saw, not the claim', async () => {
      const { client } = await signUp(app.url, 'seen@example.com');
      const login = await client.post('/auth/login', { email: 'seen@example.com', password: 'correct horse battery' }, { 'x-forwarded-for': '192.0.2.66, 198.51.100.8' });
      expect(login.status).toBe(200);
      const sessions = await client.get('/auth/sessions');
      expect(sessions.body.find((s: any) => s.current).ip).toBe('198.51.100.8');
    });

    it('believes the proxy’s X-Forwarded-Proto and -Host', async () => {
      await protectedPage(app, 'proto@example.com');
      const res = await unlock(app, { 'x-forwarded-proto': 'https', 'x-forwarded-for': '198.51.100.9' });
      expect(res.status).toBe(303);
      expect(res.headers.get('set-cookie')).toMatch(/;\s*secure/i);
      const page = await fetch(`${app.url}/`, { headers: { 'x-forwarded-host': 'status.own.test' } });
      expect(page.status).toBe(401); // the custom domain's page, asking for its password
      expect(await page.text()).toContain('Own');
    });
  });

  describe('TRUST_PROXY=<the proxy’s address>', () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startTestApp({ PINGPAGE_SIGNUP: 'open', TRUST_PROXY: '10.9.9.9' });
    });
    afterAll(() => app?.stop());

    it('ignores X-Forwarded-For, -Proto and -Host from a peer that is not that proxy', async () => {
      const { client } = await signUp(app.url, 'direct@example.com');
      const login = await client.post('/auth/login', { email: 'direct@example.com', password: 'correct horse battery' }, { 'x-forwarded-for': '198.51.100.8' });
      expect(login.status).toBe(200);
      const sessions = await client.get('/auth/sessions');
      expect(sessions.body.find((s: any) => s.current).ip).toBe('127.0.0.1');
      await protectedPage(app, 'proto@example.com');
      const res = await unlock(app, { 'x-forwarded-proto': 'https' });
      expect(res.status).toBe(303);
      expect(res.headers.get('set-cookie')).not.toMatch(/secure/i);
      const page = await fetch(`${app.url}/`, { headers: { 'x-forwarded-host': 'status.own.test' } });
      expect(await page.text()).not.toContain('Own');
    });
  });
});
