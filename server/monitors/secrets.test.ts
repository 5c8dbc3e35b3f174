/**
 * Hole 5 of issue 12: credentials in monitor configs. Whoever may read a monitor (a member, a
 * monitors:read key, a dashboard socket, the audit log) never sees a password, token, header
 * value or URL password; an edit that sends the mask back keeps the stored value; an edit that
 * moves the monitor to another origin never takes the stored secrets along.
 */
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Membership } from '../auth/entities.js';
import { startTestApp, type TestApp } from '../testing/app.js';
import { signUp, TestClient } from '../testing/client.js';
import { httpReceiver, type HttpReceiver, type ReceivedRequest } from '../testing/receivers.js';
import { connected, emitAck, openSocket } from '../testing/sockets.js';

/** What the API shows for a secret (the value notification channels already answer). */
const MASK = '********';
const SECRETS = ['s3cret-basic', 'k3y-value', 'url-pass', 'tok-123'];
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** Answers 200 only to the credentials each path expects, so a check passing proves what was sent. */
const expected: Record<string, (r: ReceivedRequest) => boolean> = {
  '/basic': (r) => r.headers.authorization === basic('ops', 's3cret-basic') && r.headers['x-api-key'] === 'k3y-value',
  '/userinfo': (r) => r.headers.authorization === basic('probe', 'url-pass'),
  '/bearer': (r) => r.headers.authorization === 'Bearer tok-123',
};

let app: TestApp;
let owner: TestClient;
let orgId: string;
let member: TestClient;
let reader: TestClient;
let home: HttpReceiver;
let elsewhere: HttpReceiver;
const ids: Record<string, string> = {};
/** What the creator was answered. */
const answers: unknown[] = [];
const sockets: Socket[] = [];

const leaks = (value: unknown) => SECRETS.filter((s) => JSON.stringify(value).includes(s));

beforeAll(async () => {
  home = await httpReceiver((_n, r) => ({ status: expected[r.path]?.(r) ? 200 : 401 }));
  elsewhere = await httpReceiver(() => ({ status: 200 }));
  app = await startTestApp({ PINGPAGE_SIGNUP: 'open', PINGPAGE_PRIVATE_TARGETS: 'allow' });
  ({ client: owner, orgId } = await signUp(app.url, 'owner@example.com', { orgName: 'Acme' }));
  const m = await signUp(app.url, 'member@example.com', { orgName: 'Own' });
  member = m.client;
  // A plain member of Acme (however members join, they read every monitor).
  await app.orm.em.fork().insert(Membership, { org: orgId, user: m.user.id, role: 'member' });
  const key = await owner.post(`/orgs/${orgId}/api-keys`, { name: 'reader', scopes: ['monitors:read'] });
  reader = new TestClient(app.url, { apiKey: key.body.key, origin: null });
  const http = (name: string, config: Record<string, unknown>) => ({ name, probe: 'http', intervalSeconds: 3600, config });
  for (const [name, body] of Object.entries({
    basic: http('Basic', { url: `${home.url}/basic`, auth: { type: 'basic', username: 'ops', password: 's3cret-basic' }, headers: { 'X-Api-Key': 'k3y-value' } }),
    userinfo: http('User-info', { url: home.url.replace('http://', 'http://probe:url-pass@') + '/userinfo' }),
    bearer: http('Bearer', { url: `${home.url}/bearer`, auth: { type: 'bearer', token: 'tok-123' } }),
  })) {
    const created = await owner.post(`/orgs/${orgId}/monitors`, body);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    answers.push(created.body);
    ids[name] = created.body.id;
  }
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await app?.stop();
  await home?.close();
  await elsewhere?.close();
});

const one = (name: string) => `/orgs/${orgId}/monitors/${ids[name]}`;

async function check(name: string) {
  const res = await owner.post(`${one(name)}/check`);
  expect(res.status).toBe(200);
  return res.body as { ok: boolean; metadata: Record<string, unknown> };
}

describe('secrets in monitor configs', () => {
  it('are masked for a member, a monitors:read key, the audit log and every monitor answer', async () => {
    expect(leaks(answers)).toEqual([]);
    for (const client of [owner, member, reader]) {
      const list = await client.get(`/orgs/${orgId}/monitors`);
      expect(list.status).toBe(200);
      expect(list.body).toHaveLength(3);
      expect(leaks(list.body)).toEqual([]);
      for (const name of Object.keys(ids)) expect(leaks((await client.get(one(name))).body)).toEqual([]);
    }
    const got = (await member.get(one('basic'))).body;
    expect(got.config).toMatchObject({ auth: { type: 'basic', username: 'ops', password: MASK }, headers: { 'X-Api-Key': MASK } });
    expect((await reader.get(one('userinfo'))).body.config.url).toBe(home.url.replace('http://', `http://probe:${MASK}@`) + '/userinfo');
    expect((await reader.get(one('bearer'))).body.config.auth).toEqual({ type: 'bearer', token: MASK });
    for (const path of ['pause', 'resume']) expect(leaks((await owner.post(`${one('basic')}/${path}`)).body)).toEqual([]);
    expect(leaks((await owner.get(`/orgs/${orgId}/audit-log`)).body)).toEqual([]);
    expect(leaks((await reader.get(`/orgs/${orgId}/dashboard`)).body)).toEqual([]);
  });

  it('are masked in what a dashboard socket is pushed', async () => {
    const s = openSocket(app.url, '/dashboard', { cookie: member.cookie });
    sockets.push(s);
    await connected(s);
    expect(leaks(await emitAck(s, 'subscribe', { orgId }))).toEqual([]);
    const pushed: unknown[] = [];
    s.on('monitor:upsert', (m: unknown) => pushed.push(m));
    for (const name of Object.keys(ids)) expect((await owner.patch(one(name), { name: `${name} renamed` })).status).toBe(200);
    await expect.poll(() => pushed.length).toBe(3);
    expect(leaks(pushed)).toEqual([]);
    expect(JSON.stringify(pushed)).toContain(MASK);
  });

  it('come back masked in an edit and keep their stored values: the checks still authenticate', async () => {
    for (const name of Object.keys(ids)) {
      const { config } = (await owner.get(one(name))).body;
      const patched = await owner.patch(one(name), { config: { ...config, method: 'GET' } });
      expect(patched.status, JSON.stringify(patched.body)).toBe(200);
      expect(leaks(patched.body)).toEqual([]);
      expect(await check(name), name).toMatchObject({ ok: true });
    }
    const sent = home.requests.filter((r) => r.path === '/basic').at(-1)!;
    expect(sent.headers.authorization).toBe(basic('ops', 's3cret-basic'));
    expect(sent.headers['x-api-key']).toBe('k3y-value');
    // A header left out of the edit is removed; a new one is taken as typed.
    const { config } = (await owner.get(one('basic'))).body;
    await owner.patch(one('basic'), { config: { ...config, headers: { 'X-Other': 'plain' } } });
    expect((await owner.get(one('basic'))).body.config.headers).toEqual({ 'X-Other': MASK });
    expect(await check('basic')).toMatchObject({ ok: false });
    expect(home.requests.at(-1)!.headers['x-api-key']).toBeUndefined();
    await owner.patch(one('basic'), { config: { ...config, headers: { 'X-Api-Key': 'k3y-value' } } });
    expect(await check('basic')).toMatchObject({ ok: true });
  });

  it.each([
    ['basic', (c: any, to: string) => ({ ...c, url: `${to}/basic` }), ['config.auth.password', 'config.headers.X-Api-Key']],
    ['basic', (c: any, to: string) => ({ ...c, url: `${to}/basic`, auth: { type: 'basic', username: 'ops' }, headers: {} }), ['config.auth.password']],
    ['basic', (c: any) => ({ ...c, url: c.url.replace('127.0.0.1', 'localhost') }), ['config.auth.password', 'config.headers.X-Api-Key']],
    ['userinfo', (c: any, to: string) => ({ ...c, url: to.replace('http://', `http://probe:${MASK}@`) + '/userinfo' }), ['config.url']],
    ['bearer', (c: any, to: string) => ({ ...c, url: `${to}/bearer` }), ['config.auth.token']],
    ['bearer', (c: any, to: string) => ({ ...c, url: `${to}/bearer`, auth: { type: 'bearer' } }), ['config.auth.token']],
  ])('do not follow the %s monitor to another origin: 400 SECRET_REQUIRED, nothing changed', async (name, move, paths) => {
    const before = (await owner.get(one(name))).body;
    const res = await owner.patch(one(name), { config: move(before.config, elsewhere.url) });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('SECRET_REQUIRED');
    expect(res.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual([...paths].sort());
    expect((await owner.get(one(name))).body).toEqual(before);
    expect(await check(name)).toMatchObject({ ok: true });
    expect(elsewhere.requests).toHaveLength(0);
  });

  it('are dropped when the monitor moves without them, and sent to the new origin only when typed again', async () => {
    const { config } = (await owner.get(one('bearer'))).body;
    const moved = await owner.patch(one('bearer'), { config: { ...config, url: `${elsewhere.url}/bearer`, auth: { type: 'none' } } });
    expect(moved.status).toBe(200);
    expect(await check('bearer')).toMatchObject({ ok: true });
    expect(elsewhere.requests.at(-1)!.headers.authorization).toBeUndefined();
    const typed = await owner.patch(one('bearer'), { config: { ...config, url: `${elsewhere.url}/bearer`, auth: { type: 'bearer', token: 'new-token' } } });
    expect(typed.body.config.auth).toEqual({ type: 'bearer', token: MASK });
    await check('bearer');
    expect(elsewhere.requests.at(-1)!.headers.authorization).toBe('Bearer new-token');
    expect(leaks(elsewhere.requests.map((r) => r.headers))).toEqual([]);
  });

  it.each([
    ['a mask on create', () => owner.post(`/orgs/${orgId}/monitors`, { name: 'x', probe: 'http', config: { url: home.url, auth: { type: 'bearer', token: MASK } } }), 'config.auth.token'],
    ['a mask in a URL on create', () => owner.post(`/orgs/${orgId}/monitors`, { name: 'x', probe: 'http', config: { url: home.url.replace('http://', `http://u:${MASK}@`) } }), 'config.url'],
    ['a mask where nothing is stored', () => owner.patch(one('userinfo'), { config: { url: `${home.url}/userinfo`, auth: { type: 'basic', username: 'u', password: MASK } } }), 'config.auth.password'],
  ])('refuse %s with SECRET_REQUIRED (the mask is never stored as a password)', async (_what, send, path) => {
    const res = await send();
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'SECRET_REQUIRED', details: [expect.objectContaining({ path, code: 'secret_required' })] });
  });

  it('are marked in the probe schema forms are drawn from', async () => {
    const http = (await member.get('/probes')).body.find((p: { id: string }) => p.id === 'http').configSchema;
    expect(http.properties.url['x-secret']).toBe('url-password');
    expect(http.properties.headers.additionalProperties.writeOnly).toBe(true);
    const auth = http.properties.auth.oneOf as Array<{ properties: Record<string, { writeOnly?: boolean }> }>;
    expect(auth.flatMap((o) => Object.entries(o.properties).filter(([, p]) => p.writeOnly).map(([k]) => k)).sort()).toEqual(['password', 'token']);
  });
});
