/** The monitor routes over real HTTP: status codes, error shape, query validation. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Orm } from '../db/orm.js';
import { openDatabase } from '../database.js';
import { createApp } from '../http/app.js';
import { createTestDatabase, type TestDatabase } from '../testing/db.js';
import { allowAll, seedOrg, signedInAs, silentLog, testConfig } from './fixtures.js';
import { createMonitoring, loadProbes, type Monitoring } from './index.js';

let db: TestDatabase;
let orm: Orm;
let monitoring: Monitoring;
let server: http.Server;
let base: string;
let orgId: string;
/** Paths the target was asked for, in order. */
const asked: string[] = [];
const target = http.createServer((req, res) => {
  asked.push(req.url ?? '');
  res.end('ok');
});
let url: string;

beforeAll(async () => {
  db = await createTestDatabase();
  orm = await openDatabase(db.url, { poolMax: 4 });
  const seeded = await seedOrg(orm);
  orgId = seeded.orgId;
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(target.address() as AddressInfo).port}/`;
  const config = testConfig();
  monitoring = createMonitoring({
    config,
    log: silentLog,
    orm,
    requireOrg: allowAll(seeded.principal),
    probes: await loadProbes({ PINGPAGE_PLUGINS: [] }),
    tuning: { reconcileMs: 0, retention: false },
  });
  await monitoring.start();
  const app = createApp({ config, log: silentLog, middleware: () => [signedInAs(seeded.principal)], api: monitoring.routers, readiness: monitoring.readiness, isStopping: () => false });
  server = http.createServer(app.callback());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
});
afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await monitoring?.stop();
  await orm?.close();
  await db?.drop();
  await new Promise((r) => target.close(r));
});

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(base + path.replace(':org', orgId), {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** Waits (up to 2 s) until `done` holds; answers whether it did. */
async function within2s(done: () => Promise<boolean> | boolean): Promise<boolean> {
  for (const end = Date.now() + 2_000; Date.now() < end; await new Promise((r) => setTimeout(r, 25))) if (await done()) return true;
  return done();
}

async function storedChecks(id: string): Promise<number> {
  await monitoring.writer.flush();
  return (await call('GET', `/orgs/:org/monitors/${id}/heartbeats?limit=50`)).body.length;
}

describe('monitor routes', () => {
  it('lists the probes with their config as JSON Schema', async () => {
    const { status, body } = await call('GET', '/probes');
    expect(status).toBe(200);
    expect(body.map((p: { id: string }) => p.id)).toEqual(['http', 'tcp', 'dns', 'tls']);
    expect(body[0]).toMatchObject({ id: 'http', version: expect.any(String), title: expect.any(String), configSchema: { type: 'object', required: ['url'] } });
  });

  it('creates, reads, changes, pauses, checks and deletes a monitor', async () => {
    const created = await call('POST', '/orgs/:org/monitors', { name: 'Site', probe: 'http', config: { url }, intervalSeconds: 30 });
    expect(created.status).toBe(201);
    const id = created.body.id;
    // The status moves on by itself: the monitor is checked at once.
    const same = { ...created.body, status: expect.any(String), statusSince: expect.any(String) };
    expect((await call('GET', '/orgs/:org/monitors')).body).toEqual([same]);
    expect((await call('GET', `/orgs/:org/monitors/${id}`)).body).toEqual(same);
    expect((await call('PATCH', `/orgs/:org/monitors/${id}`, { name: 'Site 2' })).body).toMatchObject({ name: 'Site 2' });
    expect((await call('POST', `/orgs/:org/monitors/${id}/pause`)).body).toMatchObject({ paused: true, status: 'paused' });
    expect((await call('POST', `/orgs/:org/monitors/${id}/resume`)).body).toMatchObject({ paused: false, status: 'pending' });
    const check = await call('POST', `/orgs/:org/monitors/${id}/check`);
    expect(check).toMatchObject({ status: 200, body: { ok: true, status: 'up', timings: { total: expect.any(Number) } } });
    // Checked on creation, on resume and on request.
    expect(await within2s(async () => (await storedChecks(id)) === 3)).toBe(true);
    expect((await call('GET', `/orgs/:org/monitors/${id}/uptime?windows=24h,7d`)).body).toEqual({ '24h': 100, '7d': 100 });
    expect((await call('GET', `/orgs/:org/monitors/${id}/uptime`)).body).toEqual({ '24h': 100, '7d': 100, '30d': 100, '90d': 100 });
    const bars = (await call('GET', `/orgs/:org/monitors/${id}/daily?days=7`)).body;
    expect(bars).toHaveLength(7);
    expect(bars[6]).toMatchObject({ uptime: 100, checks: 3 });
    expect((await call('GET', `/orgs/:org/monitors/${id}/daily`)).body).toHaveLength(90);
    expect((await call('DELETE', `/orgs/:org/monitors/${id}`)).status).toBe(204);
    expect((await call('GET', `/orgs/:org/monitors/${id}`)).body.error.code).toBe('NOT_FOUND');
  });

  it('checks a monitor at once when created, resumed or re-targeted, not a whole interval later', async () => {
    const created = await call('POST', '/orgs/:org/monitors', { name: 'Fresh', probe: 'http', config: { url: `${url}first` }, intervalSeconds: 3600 });
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect(await within2s(async () => (await storedChecks(id)) === 1)).toBe(true);
    expect(asked.filter((p) => p === '/first')).toHaveLength(1);
    expect((await call('GET', `/orgs/:org/monitors/${id}`)).body.status).toBe('up');

    await call('POST', `/orgs/:org/monitors/${id}/pause`);
    await call('POST', `/orgs/:org/monitors/${id}/resume`);
    expect(await within2s(async () => (await storedChecks(id)) === 2)).toBe(true);

    await call('PATCH', `/orgs/:org/monitors/${id}`, { config: { url: `${url}second` } });
    expect(await within2s(() => asked.includes('/second'))).toBe(true);
    expect(await within2s(async () => (await storedChecks(id)) === 3)).toBe(true);

    // A new name is no new target: no extra check.
    await call('PATCH', `/orgs/:org/monitors/${id}`, { name: 'Fresh, renamed' });
    await new Promise((r) => setTimeout(r, 300));
    expect(await storedChecks(id)).toBe(3);
    expect(asked.filter((p) => p === '/first' || p === '/second')).toHaveLength(3);
  });

  it.each([
    ['POST', '/orgs/:org/monitors', { name: 'x', probe: 'http', config: { url: 'file:///etc/passwd' } }, 400, 'VALIDATION_FAILED', 'config.url'],
    ['POST', '/orgs/:org/monitors', { name: 'x', probe: 'nope', config: {} }, 400, 'UNKNOWN_PROBE', 'probe'],
    ['POST', '/orgs/:org/monitors', { name: 'x', probe: 'http', config: { url: 'http://a.test/' }, owner: 'me' }, 400, 'VALIDATION_FAILED', ''],
    ['GET', '/orgs/:org/monitors/not-a-uuid', undefined, 404, 'NOT_FOUND', undefined],
    ['GET', '/orgs/:org/monitors/00000000-0000-4000-8000-000000000000', undefined, 404, 'NOT_FOUND', undefined],
    ['PATCH', '/orgs/:org/monitors/00000000-0000-4000-8000-000000000000', { status: 'up' }, 400, 'VALIDATION_FAILED', ''],
    ['GET', '/orgs/:org/monitors/00000000-0000-4000-8000-000000000000/heartbeats?limit=0', undefined, 400, 'VALIDATION_FAILED', 'limit'],
    ['GET', '/orgs/:org/monitors/00000000-0000-4000-8000-000000000000/heartbeats?from=yesterday', undefined, 400, 'VALIDATION_FAILED', 'from'],
    ['GET', '/orgs/:org/monitors/00000000-0000-4000-8000-000000000000/heartbeats?sort=asc', undefined, 400, 'VALIDATION_FAILED', ''],
    ['GET', '/orgs/:org/monitors/00000000-0000-4000-8000-000000000000/uptime?windows=24h,1y', undefined, 400, 'VALIDATION_FAILED', 'windows.1'],
    ['GET', '/orgs/:org/monitors/00000000-0000-4000-8000-000000000000/daily?days=0', undefined, 400, 'VALIDATION_FAILED', 'days'],
    ['GET', '/orgs/:org/monitors/00000000-0000-4000-8000-000000000000/daily?days=366', undefined, 400, 'VALIDATION_FAILED', 'days'],
  ])('%s %s → %i %s', async (method, path, body, status, code, detailPath) => {
    const res = await call(method, path, body);
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    if (detailPath !== undefined) expect(res.body.error.details).toContainEqual(expect.objectContaining({ path: detailPath }));
  });
});
