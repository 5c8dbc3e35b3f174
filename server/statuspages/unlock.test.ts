/**
 * Password-protected status pages on a whole server (holes 3 and 11): guesses are counted before
 * bcrypt, per page+address and per address; the unlock cookie is scoped to the page's own path
 * (or `/` on its custom domain); the live script subscribes with a short-lived token instead.
 * TRUST_PROXY=1: each request names its address in X-Forwarded-For.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attemptKey, LIMITS } from '../auth/attempts.js';
import { passwordWork } from '../auth/passwords.js';
import { startTestApp, type TestApp } from '../testing/app.js';
import { signUp, type TestClient } from '../testing/client.js';
import { connected, emitAck, openSocket } from '../testing/sockets.js';
import { proveDomains } from './testing.js';

let app: TestApp;
let owner: TestClient;
let orgId: string;
let seq = 0;
const freshIp = () => `10.20.${(++seq >> 8) & 255}.${seq & 255}`;
const PASSWORD = 'open sesame';

beforeAll(async () => {
  app = await startTestApp({ PINGPAGE_SIGNUP: 'open', TRUST_PROXY: '1' });
  ({ client: owner, orgId } = await signUp(app.url, 'owner@example.com', { orgName: 'Acme' }));
  for (const [slug, extra] of [
    ['alpha', {}],
    ['alphabet', {}], // a slug that starts with another's: a cookie path of /status/alpha must not reach it
    ['beta', {}],
    ['gamma', { customDomain: 'status.gamma.test' }],
    ['open-page', { password: null }],
  ] as const) {
    const res = await owner.post(`/orgs/${orgId}/status-pages`, { slug, title: `Page ${slug}`, password: PASSWORD, ...extra });
    expect(res.status).toBe(201);
  }
  await proveDomains(app.orm, app.statusPages.store); // gamma's domain as if its TXT record were checked
});
afterAll(() => app?.stop());

function unlock(slug: string, password: string, ip = freshIp(), headers: Record<string, string> = {}) {
  const path = slug === '' ? '/unlock' : `/status/${slug}/unlock`;
  return fetch(app.url + path, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: app.url, 'x-forwarded-for': ip, ...headers },
    body: new URLSearchParams({ password }).toString(),
  });
}
const tally = (codes: number[]) => codes.reduce<Record<number, number>>((t, c) => ({ ...t, [c]: (t[c] ?? 0) + 1 }), {});
const cookieOf = (res: Response) => res.headers.getSetCookie()[0]!.split(';')[0]!;

describe('guesses are counted before bcrypt', () => {
  it('30 parallel wrong passwords from one address: 10 judged (401), 20 refused (429 with Retry-After)', async () => {
    const ip = freshIp();
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => unlock('beta', `guess-${i}`, ip)));
    expect(tally(answers.map((a) => a.status))).toEqual({ 401: LIMITS.statusPage.pageAddress.max, 429: 30 - LIMITS.statusPage.pageAddress.max });
    const refused = answers.find((a) => a.status === 429)!;
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.headers.get('content-type')).toMatch(/text\/html/);
    expect(await refused.text()).toContain('Too many attempts.');
    expect(answers.every((a) => a.headers.getSetCookie().length === 0)).toBe(true);
    expect((await unlock('beta', PASSWORD, ip)).status).toBe(429); // the right one waits too from that address
    expect((await unlock('beta', PASSWORD)).status).toBe(303); // another visitor is not locked out
  });

  it('one address across pages is stopped at 30', async () => {
    const ip = freshIp();
    await app.orm.em.fork().getConnection().execute(
      `INSERT INTO login_attempts (key, attempts, expires_at) VALUES (?, 29, now() + interval '15 minutes')`,
      [attemptKey(LIMITS.statusPage.address, ip)],
    );
    const codes = (await Promise.all([unlock('alpha', 'x1', ip), unlock('gamma', 'x2', ip), unlock('alphabet', 'x3', ip)])).map((a) => a.status);
    expect(tally(codes)).toEqual({ 401: 1, 429: 2 });
  });

  it('a full bcrypt queue answers 429 and counts nothing', async () => {
    const size = passwordWork.size;
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    passwordWork.resize({ slots: 1, waiting: 0 });
    const held = passwordWork.run(() => gate);
    try {
      const ip = freshIp();
      const res = await unlock('alpha', PASSWORD, ip);
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(await res.text()).toContain('The server is busy.');
      const rows = await app.orm.em.fork().getConnection().execute('SELECT 1 FROM login_attempts WHERE key = ?', [attemptKey(LIMITS.statusPage.address, ip)]);
      expect(rows).toHaveLength(0);
    } finally {
      open();
      await held;
      passwordWork.resize(size);
    }
  });
});

describe('the unlock cookie', () => {
  it('is scoped to the page’s path', async () => {
    const res = await unlock('alpha', PASSWORD);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/status/alpha');
    const setCookie = res.headers.getSetCookie();
    expect(setCookie).toHaveLength(1);
    expect(setCookie[0]).toMatch(/;\s*path=\/status\/alpha(;|$)/i);
    expect(setCookie[0]).toMatch(/httponly/i);
    expect(setCookie[0]).toMatch(/samesite=lax/i);
  });

  it('on the page’s custom domain, where the page is served at /, is scoped to /', async () => {
    const res = await unlock('', PASSWORD, freshIp(), { 'x-forwarded-host': 'status.gamma.test', origin: 'http://status.gamma.test' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/');
    expect(res.headers.getSetCookie()[0]).toMatch(/;\s*path=\/(;|$)/i);
    const page = await fetch(`${app.url}/`, { headers: { 'x-forwarded-host': 'status.gamma.test', cookie: cookieOf(res) } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Page gamma');
  });
});

describe('live updates of a protected page', () => {
  it('the page hands its script a live token only once unlocked, and that token subscribes to this page alone', async () => {
    expect((await fetch(`${app.url}/status/alpha/live-token`)).status).toBe(401);
    const cookie = cookieOf(await unlock('alpha', PASSWORD));
    const page = await fetch(`${app.url}/status/alpha`, { headers: { cookie } });
    expect(await page.text()).toMatch(/<body [^>]*data-protected=""/);
    const res = await fetch(`${app.url}/status/alpha/live-token`, { headers: { cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    const { token } = (await res.json()) as { token: string };

    // The socket carries no cookie (its path is /socket.io/, outside /status/alpha).
    const socket = openSocket(app.url, '/status');
    try {
      await connected(socket);
      expect(await emitAck(socket, 'subscribe', { slug: 'alpha' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
      expect(await emitAck(socket, 'subscribe', { slug: 'alpha', token: token.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')) })).toMatchObject({ ok: false });
      expect(await emitAck(socket, 'subscribe', { slug: 'alphabet', token })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
      expect(await emitAck(socket, 'subscribe', { slug: 'alpha', token: cookie.split('=')[1] })).toMatchObject({ ok: false }); // the cookie's value is not a live token
      expect(await emitAck(socket, 'subscribe', { slug: 'alpha', token: 'x'.repeat(101) })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
      expect(await emitAck(socket, 'subscribe', { slug: 'alpha', token: 42 })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
      expect(await emitAck(socket, 'subscribe', { slug: 'alpha', token })).toMatchObject({ ok: true, data: { title: 'Page alpha' } });
    } finally {
      socket.disconnect();
    }
  });

  it('changing the password voids the tokens already handed out', async () => {
    const cookie = cookieOf(await unlock('beta', PASSWORD));
    const { token } = (await (await fetch(`${app.url}/status/beta/live-token`, { headers: { cookie } })).json()) as { token: string };
    const page = (await owner.get(`/orgs/${orgId}/status-pages`)).body.find((p: { slug: string }) => p.slug === 'beta');
    expect((await owner.patch(`/orgs/${orgId}/status-pages/${page.id}`, { password: 'another secret' })).status).toBe(200);
    const socket = openSocket(app.url, '/status');
    try {
      await connected(socket);
      expect(await emitAck(socket, 'subscribe', { slug: 'beta', token })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    } finally {
      socket.disconnect();
    }
  });

  it.each([
    ['a public page has no token to give', 'GET', '/status/open-page/live-token', 404],
    ['a locked page gives none', 'GET', '/status/alphabet/live-token', 401],
    ['not by POST', 'POST', '/status/alpha/live-token', 405],
    ['an unknown page', 'GET', '/status/nope/live-token', 404],
  ])('%s', async (_name, method, path, status) => {
    const res = await fetch(app.url + path, { method, headers: { origin: app.url } });
    expect(res.status).toBe(status);
  });
});
