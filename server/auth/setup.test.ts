/**
 * Hole 11 (last item) of issue 12: a fresh install reachable from the network is not claimed by
 * the first stranger. Whole PingPages on fresh databases, asked from 127.0.0.1 with and without
 * the headers a proxy adds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../testing/app.js';
import { TestClient } from '../testing/client.js';

const PASSWORD = 'correct horse battery';
/** A well-formed code that is not the one printed (1 in 31^12 it is). */
const madeUp = () => Array.from({ length: 3 }, () => Array.from({ length: 4 }, () => '23456789ABCDEFGHJKMNPQRSTUVWXYZ'[Math.floor(Math.random() * 31)]).join('')).join('-');
const first = (app: TestApp, headers: Record<string, string>, extra: Record<string, unknown> = {}) =>
  new TestClient(app.url).post('/auth/signup', { email: 'first@example.com', password: PASSWORD, name: 'First', ...extra }, headers);
const instance = async (app: TestApp, headers: Record<string, string> = {}) =>
  (await new TestClient(app.url).req('GET', '/instance', undefined, headers)).body as { needsSetup: boolean; setupCodeRequired: boolean };
const users = async (app: TestApp) => (await app.orm.em.fork().getConnection().execute<Array<{ n: number }>>('SELECT count(*)::int AS n FROM users'))[0]!.n;

describe('behind a trusted proxy (TRUST_PROXY=true, X-Forwarded-For from 127.0.0.1)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ TRUST_PROXY: 'true' });
  });
  afterAll(() => app?.stop());
  const stranger = { 'x-forwarded-for': '203.0.113.9' };

  it('a stranger cannot create the first account without the set-up code: 403 SETUP_CODE_REQUIRED, no account', async () => {
    const res = await first(app, stranger);
    expect([res.status, res.body.error?.code]).toEqual([403, 'SETUP_CODE_REQUIRED']);
    expect(await users(app)).toBe(0);
    expect(await instance(app, stranger)).toMatchObject({ needsSetup: true, setupCodeRequired: true });
  });

  it('prints a one-time code in its log at start (and hands it to start.ts for stdout)', () => {
    expect(app.setupCode).toMatch(/^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);
    expect(app.logs()).toContain(`set-up code ${app.setupCode}`);
  });

  it.each([
    ['a made-up code', () => madeUp()],
    ['the code with one symbol changed', () => app.setupCode!.replace(/^./, (c) => (c === '2' ? '3' : '2'))],
    ['an empty code', () => ''],
  ])('%s: 403 SETUP_CODE_INVALID (or REQUIRED when empty), no account', async (_name, code) => {
    const res = await first(app, { 'x-forwarded-for': '203.0.113.10' }, { setupCode: code() });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe(code() === '' ? 'SETUP_CODE_REQUIRED' : 'SETUP_CODE_INVALID');
    expect(await users(app)).toBe(0);
  });

  it('wrong codes from one address are limited: 429 RATE_LIMITED after 10, even with the right code (the next test signs up from another address)', async () => {
    const from = { 'x-forwarded-for': '203.0.113.11' };
    const codes: number[] = [];
    for (let i = 0; i < 10; i++) codes.push((await first(app, from, { setupCode: madeUp() })).status);
    expect(codes).toEqual(Array(10).fill(403));
    const blocked = await first(app, from, { setupCode: app.setupCode });
    expect([blocked.status, blocked.body.error.code]).toEqual([429, 'RATE_LIMITED']);
    expect(await users(app)).toBe(0);
  });

  it('with the code (any case, dashes optional) the first account is made from the network, and the code is spent', async () => {
    const typed = app.setupCode!.toLowerCase().replace(/-/g, '');
    const res = await first(app, stranger, { setupCode: typed, orgName: 'Acme' });
    expect(res.status).toBe(201);
    expect(res.body.org.name).toBe('Acme');
    expect(await instance(app, stranger)).toMatchObject({ needsSetup: false, setupCodeRequired: false });
    const left = await app.orm.em.fork().getConnection().execute("SELECT 1 FROM instance_settings WHERE key = 'setup_codes'");
    expect(left).toEqual([]);
  });
});

describe('without TRUST_PROXY', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app?.stop());

  it.each([
    ['X-Forwarded-For', { 'x-forwarded-for': '203.0.113.9' }],
    ['X-Forwarded-For naming loopback', { 'x-forwarded-for': '127.0.0.1' }],
    ['Forwarded', { forwarded: 'for=203.0.113.9;proto=https' }],
    ['X-Real-IP', { 'x-real-ip': '203.0.113.9' }],
    ['an empty X-Forwarded-For', { 'x-forwarded-for': '' }],
  ])('a request relayed by a local proxy (%s) is not local: the code is asked for', async (_name, headers) => {
    const res = await first(app, headers);
    expect([res.status, res.body.error?.code]).toEqual([403, 'SETUP_CODE_REQUIRED']);
    expect(await users(app)).toBe(0);
    expect((await instance(app, headers)).setupCodeRequired).toBe(true);
  });

  it('a local npm start stays one click: from loopback with no forwarding header, no code', async () => {
    expect(await instance(app)).toMatchObject({ needsSetup: true, setupCodeRequired: false });
    const res = await first(app, {});
    expect(res.status).toBe(201);
    expect(await users(app)).toBe(1);
  });
});
