import http from 'node:http';
import { brotliDecompressSync, gunzipSync, inflateRawSync } from 'node:zlib';
import type { Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestApp, type TestApp } from '../testing/app.js';
import { signUp, signUpInvited, TestClient } from '../testing/client.js';
import { connected, emitAck, openSocket, sleep } from '../testing/sockets.js';
import type { DashboardSnapshot, HeartbeatEvent } from '../../contracts/events.js';

let app: TestApp;
let alice: TestClient; // owner of org A
let orgA: string;
let bob: TestClient; // owner of org B
let orgB: string;
const sockets: Socket[] = [];

function open(opts: Parameters<typeof openSocket>[2]) {
  const s = openSocket(app.url, '/dashboard', opts);
  sockets.push(s);
  return s;
}

function beat(monitorId: string, i = 0): HeartbeatEvent {
  return { monitorId, at: new Date(Date.now() + i).toISOString(), status: 'up', ok: true, latencyMs: 12 };
}

/** Emits a heartbeat to the org until `socket` receives one, or gives up after `ms`. */
async function receives(socket: Socket, orgId: string, ms = 1_000): Promise<boolean> {
  let got = false;
  const on = () => (got = true);
  socket.on('heartbeat', on);
  const end = Date.now() + ms;
  while (!got && Date.now() < end) {
    app.realtime.toOrg(orgId, 'heartbeat', beat('probe'));
    await sleep(50);
  }
  socket.off('heartbeat', on);
  return got;
}

beforeAll(async () => {
  app = await startTestApp({ PINGPAGE_SIGNUP: 'open', PINGPAGE_PRIVATE_TARGETS: 'allow' });
  ({ client: alice, orgId: orgA } = await signUp(app.url, 'alice@example.com'));
  ({ client: bob, orgId: orgB } = await signUp(app.url, 'bob@example.com'));
});
afterEach(() => {
  for (const s of sockets.splice(0)) s.disconnect();
});
afterAll(() => app?.stop());

describe('/dashboard', () => {
  it('refuses a socket with no session or key', async () => {
    const s = open({});
    await expect(connected(s)).rejects.toThrow('UNAUTHORIZED');
  });

  it.each(['websocket', 'polling'] as const)('refuses a foreign Origin with a valid cookie (%s)', async (transport) => {
    const s = open({ cookie: alice.cookie, origin: 'https://evil.example', transport });
    await expect(connected(s)).rejects.toThrow('FORBIDDEN_ORIGIN');
    const same = open({ cookie: alice.cookie, transport });
    await connected(same);
  });

  it("a member receives its org's heartbeats after subscribing, with a snapshot first", async () => {
    const s = open({ cookie: alice.cookie });
    await connected(s);
    const answer = await emitAck(s, 'subscribe', { orgId: orgA });
    expect(answer).toMatchObject({ ok: true, data: { orgId: orgA, monitors: [] } });
    const got = new Promise<HeartbeatEvent>((r) => s.once('heartbeat', r));
    app.realtime.toOrg(orgA, 'heartbeat', beat('m1'));
    expect((await got).monitorId).toBe('m1');
  });

  it("a socket of org B receives zero packets of org A over hundreds of emits, and cannot subscribe to A", async () => {
    const a = open({ cookie: alice.cookie });
    const b = open({ cookie: bob.cookie });
    await Promise.all([connected(a), connected(b)]);
    expect((await emitAck(a, 'subscribe', { orgId: orgA })).ok).toBe(true);
    expect((await emitAck(b, 'subscribe', { orgId: orgB })).ok).toBe(true);
    const denied = await emitAck(b, 'subscribe', { orgId: orgA });
    expect(denied).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: expect.any(String) } });
    let leaked = 0;
    let delivered = 0;
    b.onAny(() => leaked++);
    a.on('heartbeat', () => delivered++);
    for (let i = 0; i < 300; i++) app.realtime.toOrg(orgA, 'heartbeat', beat('secret', i));
    app.realtime.toOrg(orgB, 'heartbeat', beat('mine')); // a marker B does get, sent last
    await new Promise<void>((r) => b.once('heartbeat', () => r()));
    // Sockets are independent streams (large frames are compressed off-thread): wait for A's 300.
    for (let i = 0; i < 50 && delivered < 300; i++) await sleep(100);
    expect(delivered).toBe(300);
    expect(leaked).toBe(1); // only its own marker
  });

  it.each([
    ['logout', async (c: TestClient) => void (await c.post('/auth/logout'))],
    ['session revoke', async (c: TestClient) => {
      const list = (await alice.get('/auth/sessions')).body as Array<{ id: string; current: boolean }>;
      const other = new TestClient(app.url);
      other.cookie = c.cookie;
      const mine = (await other.get('/auth/sessions')).body.find((s: { current: boolean }) => s.current).id;
      expect(list.some((s) => s.id === mine)).toBe(true);
      expect((await alice.delete(`/auth/sessions/${mine}`)).status).toBe(204);
    }],
    ['password change elsewhere', async () => {
      expect((await alice.post('/auth/password', { currentPassword: 'correct horse battery', newPassword: 'correct horse battery' })).status).toBe(204);
    }],
  ])('after %s the socket stops receiving within 1 s', async (_n, revoke) => {
    const tab = new TestClient(app.url);
    expect((await tab.post('/auth/login', { email: 'alice@example.com', password: 'correct horse battery' })).status).toBe(200);
    const s = open({ cookie: tab.cookie });
    await connected(s);
    expect((await emitAck(s, 'subscribe', { orgId: orgA })).ok).toBe(true);
    expect(await receives(s, orgA)).toBe(true);
    await revoke(tab);
    await sleep(1_000);
    expect(s.connected).toBe(false);
    expect(await receives(s, orgA, 300)).toBe(false);
  });

  it('after member removal the socket stops receiving that org within 1 s', async () => {
    const { client: carol, user } = await signUpInvited(alice, orgA, 'carol@example.com');
    const s = open({ cookie: carol.cookie });
    await connected(s);
    expect((await emitAck(s, 'subscribe', { orgId: orgA })).ok).toBe(true);
    expect(await receives(s, orgA)).toBe(true);
    expect((await alice.delete(`/orgs/${orgA}/members/${user.id}`)).status).toBe(204);
    await sleep(1_000);
    expect(await receives(s, orgA, 300)).toBe(false);
    expect((await emitAck(s, 'subscribe', { orgId: orgA })).ok).toBe(false);
  });

  it('an API key with monitors:read watches its org; revoked, its socket drops within 1 s', async () => {
    const { key, id } = (await alice.post(`/orgs/${orgA}/api-keys`, { name: 'tv', scopes: ['monitors:read'] })).body;
    const writeOnlyPages = (await alice.post(`/orgs/${orgA}/api-keys`, { name: 'pages', scopes: ['status-pages:read'] })).body.key;
    const s = open({ token: key });
    await connected(s);
    expect((await emitAck(s, 'subscribe', { orgId: orgA })).ok).toBe(true);
    expect((await emitAck(s, 'subscribe', { orgId: orgB })).ok).toBe(false);
    const p = open({ token: writeOnlyPages });
    await connected(p);
    expect((await emitAck(p, 'subscribe', { orgId: orgA })).error.code).toBe('NOT_FOUND');
    expect(await receives(s, orgA)).toBe(true);
    expect((await alice.delete(`/orgs/${orgA}/api-keys/${id}`)).status).toBe(204);
    await sleep(1_000);
    expect(s.connected).toBe(false);
    await expect(connected(open({ token: key }))).rejects.toThrow('UNAUTHORIZED');
  });

  it.each([
    ['not an object', 'hello', 'VALIDATION_FAILED'],
    ['bad uuid', { orgId: 'nope' }, 'VALIDATION_FAILED'],
    ['unknown field', { orgId: '00000000-0000-4000-8000-000000000000', admin: true }, 'VALIDATION_FAILED'],
    ['oversize', { orgId: 'x'.repeat(40_000) }, 'PAYLOAD_TOO_LARGE'],
  ])('answers a malformed subscribe (%s) with an error ack and stays healthy', async (_n, payload, code) => {
    const s = open({ cookie: bob.cookie });
    await connected(s);
    expect((await emitAck(s, 'subscribe', payload)).error.code).toBe(code);
    expect((await emitAck(s, 'subscribe', { orgId: orgB })).ok).toBe(true);
    expect((await fetch(app.url + '/healthz')).status).toBe(200);
  });

  it('answers unknown events and floods with error codes, and drops a frame over the transport cap', async () => {
    const s = open({ cookie: bob.cookie });
    await connected(s);
    expect((await emitAck(s, 'drop-tables', {})).error.code).toBe('UNKNOWN_EVENT');
    const answers = await Promise.all(Array.from({ length: 40 }, () => emitAck(s, 'subscribe', { orgId: orgB })));
    expect(answers.filter((a) => a.ok === false && a.error.code === 'RATE_LIMITED').length).toBeGreaterThan(0);
    const big = open({ cookie: bob.cookie });
    await connected(big);
    const dropped = new Promise((r) => big.once('disconnect', r));
    big.emit('subscribe', { orgId: 'y'.repeat(400_000) }); // over the transport cap: the connection goes
    await dropped;
    expect((await fetch(app.url + '/healthz')).status).toBe(200);
  });
});

/** GET with node:http, which (unlike fetch) leaves the body as the server encoded it. */
function getRaw(path: string, headers: Record<string, string>): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(app.url + path, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}

describe('the snapshot over REST, then the socket from its mark', () => {
  it('GET /orgs/:org/dashboard answers the snapshot with its mark, compressed as accepted; another org gets 404', async () => {
    const br = await getRaw(`/api/v1/orgs/${orgA}/dashboard`, { cookie: alice.cookie, 'accept-encoding': 'gzip, br' });
    expect(br.status).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['cache-control']).toBe('no-store');
    const snap = JSON.parse(brotliDecompressSync(br.body).toString('utf8')) as DashboardSnapshot;
    expect(snap).toMatchObject({ orgId: orgA, monitors: expect.any(Array), mark: expect.stringMatching(/^[\w-]+\.\d+$/) });
    const gz = await getRaw(`/api/v1/orgs/${orgA}/dashboard`, { cookie: alice.cookie, 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(gz.body).toString('utf8')).monitors).toEqual(snap.monitors);
    const plain = await getRaw(`/api/v1/orgs/${orgA}/dashboard`, { cookie: alice.cookie });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(plain.body.toString('utf8')).orgId).toBe(orgA);
    expect((await bob.get(`/orgs/${orgA}/dashboard`)).status).toBe(404);
    expect((await new TestClient(app.url).get(`/orgs/${orgA}/dashboard`)).status).toBe(401);
  });

  it('subscribe with that mark answers what was sent since, not a snapshot, and nothing is lost or doubled', async () => {
    app.realtime.toOrg(orgA, 'heartbeat', beat('before'));
    const snap = (await alice.get(`/orgs/${orgA}/dashboard`)).body as DashboardSnapshot;
    // Sent after the snapshot, before the socket joins: the gap the mark closes.
    app.realtime.toOrg(orgA, 'heartbeat', beat('gap-1'));
    app.realtime.toOrg(orgB, 'heartbeat', beat('other-org'));
    app.realtime.toOrg(orgA, 'monitor:status', { monitorId: 'gap-2', status: 'down', since: new Date().toISOString() });
    const s = open({ cookie: alice.cookie });
    await connected(s);
    const live: string[] = [];
    s.on('heartbeat', (e: HeartbeatEvent) => live.push(e.monitorId));
    const answer = await emitAck(s, 'subscribe', { orgId: orgA, encoding: 'deflate-raw', resume: snap.mark });
    expect(answer.ok).toBe(true);
    expect(answer.data.monitors).toBeUndefined();
    expect(answer.data.events.map((e: [string, { monitorId: string }]) => `${e[0]} ${e[1].monitorId}`)).toEqual(['heartbeat gap-1', 'monitor:status gap-2']);
    app.realtime.toOrg(orgA, 'heartbeat', beat('after'));
    for (let i = 0; i < 20 && !live.length; i++) await sleep(50);
    expect(live).toEqual(['after']);
  });

  it("a mark the server cannot honour (another process's, or malformed) gets a whole snapshot", async () => {
    const s = open({ cookie: alice.cookie });
    await connected(s);
    for (const resume of ['AAAAAAAA.1', 'garbage']) {
      const answer = await emitAck(s, 'subscribe', { orgId: orgA, resume });
      expect(answer).toMatchObject({ ok: true, data: { orgId: orgA, monitors: expect.any(Array), mark: expect.any(String) } });
    }
    expect((await emitAck(s, 'subscribe', { orgId: orgA, resume: 'x'.repeat(101) })).error.code).toBe('VALIDATION_FAILED');
  });
});

describe('/dashboard fed by incidents and maintenance', () => {
  it("pushes every change of the org's maintenance windows and incidents, deletions included", async () => {
    const s = open({ cookie: alice.cookie });
    await connected(s);
    expect((await emitAck(s, 'subscribe', { orgId: orgA })).ok).toBe(true);
    const got: string[] = [];
    s.on('maintenance:upsert', (e: { id: string; title: string }) => got.push(`maintenance ${e.title}`));
    s.on('incident:upsert', (e: { id: string; title: string; status: string }) => got.push(`incident ${e.title} ${e.status}`));
    const startsAt = new Date(Date.now() + 3_600_000).toISOString();
    const m = await alice.post(`/orgs/${orgA}/maintenances`, { title: 'Swap', startsAt, endsAt: new Date(Date.parse(startsAt) + 60_000).toISOString() });
    expect(m.status).toBe(201);
    expect((await alice.delete(`/orgs/${orgA}/maintenances/${m.body.id}`)).status).toBe(204);
    const i = await alice.post(`/orgs/${orgA}/incidents`, { title: 'Outage', impact: 'minor', message: 'Looking' });
    expect(i.status).toBe(201);
    expect((await alice.delete(`/orgs/${orgA}/incidents/${i.body.id}`)).status).toBe(204);
    for (let n = 0; n < 40 && got.length < 4; n++) await sleep(50);
    expect(got).toEqual(['maintenance Swap', 'maintenance Swap', 'incident Outage investigating', 'incident Outage investigating']);
  });
});

describe('/dashboard fed by monitoring', () => {
  it('a real check result reaches a subscribed dashboard, and the next snapshot holds it', async () => {
    const http = await import('node:http');
    const target = http.createServer((_req, res) => res.end('ok'));
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', () => r()));
    const port = (target.address() as { port: number }).port;
    try {
      const created = await alice.post(`/orgs/${orgA}/monitors`, {
        name: 'Local',
        probe: 'http',
        config: { url: `http://127.0.0.1:${port}/` },
        intervalSeconds: 3600,
        timeoutSeconds: 5,
        retries: 0,
      });
      expect(created.status).toBe(201);
      // Checked once at creation; then one more by hand, pushed to the dashboard.
      await vi.waitFor(() => expect(app.monitoring.engine.stateOf(created.body.id)?.status).toBe('up'));
      const s = open({ cookie: alice.cookie });
      await connected(s);
      expect((await emitAck(s, 'subscribe', { orgId: orgA })).ok).toBe(true);
      const beat = new Promise<HeartbeatEvent>((r) => s.on('heartbeat', (e: HeartbeatEvent) => e.monitorId === created.body.id && r(e)));
      expect((await alice.post(`/orgs/${orgA}/monitors/${created.body.id}/check`)).status).toBe(200);
      const got = await beat;
      expect(got).toMatchObject({ monitorId: created.body.id, ok: true, status: 'up' });
      expect(typeof got.latencyMs).toBe('number');
      // At once, before the writer's next flush: snapshots read the last beats from memory.
      const again = open({ cookie: alice.cookie });
      await connected(again);
      const snap = await emitAck(again, 'subscribe', { orgId: orgA });
      const m = snap.data.monitors.find((x: { id: string }) => x.id === created.body.id);
      expect(m).toMatchObject({ name: 'Local', probe: 'http', status: 'up', uptime24h: 100 });
      expect(m.beats.s).toBe('uu');
      expect(m.beats.dt.reduce((a: number, b: number) => a + b, 0)).toBe(Math.floor(Date.parse(got.at) / 1000));
      expect(m.beats.l.at(-1)).toBe(Math.round(got.latencyMs!));
      // The same snapshot, deflated once by the server, for clients that ask.
      const packed = await emitAck(again, 'subscribe', { orgId: orgA, encoding: 'deflate-raw' });
      expect(packed.data.encoding).toBe('deflate-raw');
      const unpacked = JSON.parse(inflateRawSync(Buffer.from(packed.data.bytes)).toString('utf8'));
      expect(unpacked.monitors).toEqual(snap.data.monitors);
      expect(await emitAck(again, 'subscribe', { orgId: orgA, encoding: 'gzip' })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    } finally {
      target.close();
    }
  });
});
