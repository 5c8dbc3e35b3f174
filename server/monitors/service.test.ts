import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../auth/types.js';
import { type Orm } from '../db/orm.js';
import { openDatabase } from '../database.js';
import { AppError } from '../errors.js';
import { parse } from '../http/body.js';
import { createTestDatabase, type TestDatabase } from '../testing/db.js';
import type { HeartbeatEvent, StatusEvent } from './events.js';
import { allowAll, seedOrg, silentLog, testConfig } from './fixtures.js';
import { createMonitoring, loadProbes, type Monitoring } from './index.js';
import { createMonitorBody, patchMonitorBody } from '../../contracts/monitors-requests.js';

let db: TestDatabase;
let orm: Orm;
let monitoring: Monitoring;
let org: { orgId: string; principal: Principal };
let other: { orgId: string; principal: Principal };
const target = http.createServer((_req, res) => res.end('hello'));
let url: string;
let closedPort: number;
const heartbeats: HeartbeatEvent[] = [];
const statuses: StatusEvent[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  orm = await openDatabase(db.url, { poolMax: 4 });
  org = await seedOrg(orm);
  other = await seedOrg(orm);
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(target.address() as AddressInfo).port}/`;
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise((r) => probe.close(r));
  monitoring = createMonitoring({
    config: testConfig(),
    log: silentLog,
    orm,
    requireOrg: allowAll(org.principal),
    probes: await loadProbes({ PINGPAGE_PLUGINS: [] }),
    // Each check here is run by hand and counted (routes.test.ts covers the check at creation).
    tuning: { reconcileMs: 0, retention: false, immediateChecks: 0 },
  });
  monitoring.events.on('heartbeat', (e) => {
    expect(monitoring.writer.queued).toBeGreaterThan(0); // announced only once queued for writing
    heartbeats.push(e);
  });
  monitoring.events.on('monitor:status', (e) => statuses.push(e));
  await monitoring.start();
});
afterAll(async () => {
  await monitoring?.stop();
  await orm?.close();
  await db?.drop();
  await new Promise((r) => target.close(r));
});

const actor = () => ({ principal: org.principal, ip: '127.0.0.1' });
const create = (body: Record<string, unknown>, orgId = org.orgId) =>
  // Each org's monitors are made by its own member: an audited write checks the actor holds the org.
  monitoring.service.create(orgId, orgId === org.orgId ? actor() : { principal: other.principal, ip: '127.0.0.1' }, parse(createMonitorBody, body));

async function errorOf(p: Promise<unknown> | (() => unknown)): Promise<{ status: number; code: string; details?: unknown }> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    return { status: err.status, code: err.code, details: err.details };
  }
  throw new Error('expected an error');
}

describe('monitor service', () => {
  it('creates a monitor with defaults, schedules it at once and audits it', async () => {
    const m = await create({ name: ' API ', probe: 'http', config: { url } });
    expect(m).toEqual({
      id: expect.any(String),
      name: 'API',
      probe: 'http',
      config: { url },
      intervalSeconds: 60,
      timeoutSeconds: 10,
      retries: 1,
      assertions: [],
      tags: [],
      paused: false,
      status: 'pending',
      statusSince: expect.stringMatching(/Z$/),
      createdAt: expect.stringMatching(/Z$/),
      updatedAt: expect.stringMatching(/Z$/),
    });
    expect(monitoring.engine.has(m.id)).toBe(true);
    const [audit] = await orm.em.getConnection().execute('SELECT action, target, actor_user_id FROM audit_log WHERE target = ?', [m.id]);
    expect(audit).toEqual({ action: 'monitor.created', target: m.id, actor_user_id: org.principal.kind === 'user' ? org.principal.userId : null });
    expect(await monitoring.service.list(org.orgId)).toContainEqual(m);
  });

  it('defaults the timeout below a short interval', async () => {
    expect(parse(createMonitorBody, { name: 'x', probe: 'tcp', config: {}, intervalSeconds: 10 }).timeoutSeconds).toBe(9);
  });

  it.each([
    ['an unknown field', { name: 'x', probe: 'http', config: { url: 'http://a.test/' }, color: 'red' }, 'VALIDATION_FAILED', ''],
    ['no name', { probe: 'http', config: { url: 'http://a.test/' } }, 'VALIDATION_FAILED', 'name'],
    ['a name of 201 characters', { name: 'x'.repeat(201), probe: 'http', config: { url: 'http://a.test/' } }, 'VALIDATION_FAILED', 'name'],
    ['an interval of 5 s', { name: 'x', probe: 'http', config: { url: 'http://a.test/' }, intervalSeconds: 5 }, 'VALIDATION_FAILED', 'intervalSeconds'],
    ['an interval over a day', { name: 'x', probe: 'http', config: { url: 'http://a.test/' }, intervalSeconds: 86_401 }, 'VALIDATION_FAILED', 'intervalSeconds'],
    ['a timeout of 61 s', { name: 'x', probe: 'http', config: { url: 'http://a.test/' }, intervalSeconds: 120, timeoutSeconds: 61 }, 'VALIDATION_FAILED', 'timeoutSeconds'],
    ['a timeout not below the interval', { name: 'x', probe: 'http', config: { url: 'http://a.test/' }, intervalSeconds: 30, timeoutSeconds: 30 }, 'VALIDATION_FAILED', 'timeoutSeconds'],
    ['11 retries', { name: 'x', probe: 'http', config: { url: 'http://a.test/' }, retries: 11 }, 'VALIDATION_FAILED', 'retries'],
    ['21 tags', { name: 'x', probe: 'http', config: { url: 'http://a.test/' }, tags: Array(21).fill('t') }, 'VALIDATION_FAILED', 'tags'],
    ['a 51-character tag', { name: 'x', probe: 'http', config: { url: 'http://a.test/' }, tags: ['t'.repeat(51)] }, 'VALIDATION_FAILED', 'tags.0'],
    ['an unknown assertion', { name: 'x', probe: 'http', config: { url: 'http://a.test/' }, assertions: [{ type: 'body' }] }, 'VALIDATION_FAILED', 'assertions.0.type'],
    ['config not an object', { name: 'x', probe: 'http', config: 'http://a.test/' }, 'VALIDATION_FAILED', 'config'],
    ['an unknown probe', { name: 'x', probe: 'gopher', config: {} }, 'UNKNOWN_PROBE', 'probe'],
    ['a file: URL', { name: 'x', probe: 'http', config: { url: 'file:///etc/passwd' } }, 'VALIDATION_FAILED', 'config.url'],
    ['a config field the probe does not know', { name: 'x', probe: 'http', config: { url: 'http://a.test/', verb: 'GET' } }, 'VALIDATION_FAILED', 'config'],
    ['a nested config error', { name: 'x', probe: 'http', config: { url: 'http://a.test/', auth: { type: 'basic', username: 'u' } } }, 'VALIDATION_FAILED', 'config.auth.password'],
    ['a tcp config without a port', { name: 'x', probe: 'tcp', config: { host: 'db.test' } }, 'VALIDATION_FAILED', 'config.port'],
  ])('refuses %s with %s at %s', async (_name, body, code, path) => {
    const err = await errorOf(() => create(body));
    expect(err.status).toBe(400);
    expect(err.code).toBe(code);
    expect(err.details).toContainEqual(expect.objectContaining({ path }));
  });

  it('updates a monitor: new interval applies at once, config is checked by the probe, limits after merging', async () => {
    const m = await create({ name: 'u', probe: 'http', config: { url }, intervalSeconds: 3600, timeoutSeconds: 30 });
    const updated = await monitoring.service.update(org.orgId, actor(), m.id, parse(patchMonitorBody, { intervalSeconds: 60, tags: ['prod'] }));
    expect(updated).toMatchObject({ intervalSeconds: 60, tags: ['prod'], timeoutSeconds: 30 });
    const scheduler = monitoring.engine.scheduler as unknown as { dueOf(id: string): number | undefined };
    expect(scheduler.dueOf(m.id)! - Date.now()).toBeLessThanOrEqual(60_000);
    expect(await errorOf(monitoring.service.update(org.orgId, actor(), m.id, { intervalSeconds: 20 }))).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [expect.objectContaining({ path: 'timeoutSeconds' })],
    });
    expect(await errorOf(monitoring.service.update(org.orgId, actor(), m.id, { probe: 'tcp' }))).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [expect.objectContaining({ path: 'config' })],
    });
    const badUrl = await errorOf(monitoring.service.update(org.orgId, actor(), m.id, { config: { url: 'ftp://x/' } }));
    expect(badUrl.code).toBe('VALIDATION_FAILED');
    expect(badUrl.details).toContainEqual(expect.objectContaining({ path: 'config.url' }));
    const moved = await monitoring.service.update(org.orgId, actor(), m.id, { probe: 'tcp', config: { host: '127.0.0.1', port: 1 } });
    expect(moved).toMatchObject({ probe: 'tcp', config: { host: '127.0.0.1', port: 1 } });
    expect(() => parse(patchMonitorBody, { paused: true })).toThrow(AppError);
  });

  it("answers 404 for another org's monitor, whatever the operation", async () => {
    const theirs = await create({ name: 'theirs', probe: 'http', config: { url } }, other.orgId);
    const s = monitoring.service;
    const a = actor();
    const calls: Array<() => Promise<unknown>> = [
      () => s.get(org.orgId, theirs.id),
      () => s.update(org.orgId, a, theirs.id, { name: 'mine now' }),
      () => s.remove(org.orgId, a, theirs.id),
      () => s.pause(org.orgId, a, theirs.id),
      () => s.resume(org.orgId, a, theirs.id),
      () => s.check(org.orgId, theirs.id),
      () => s.heartbeats(org.orgId, theirs.id, { limit: 10 }),
      () => s.uptime(org.orgId, theirs.id, ['24h']),
      () => s.daily(org.orgId, theirs.id, 7),
      () => s.get(org.orgId, randomUUID()),
    ];
    for (const call of calls) expect(await errorOf(call)).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect((await s.list(org.orgId)).map((m) => m.id)).not.toContain(theirs.id);
    expect((await s.get(other.orgId, theirs.id)).name).toBe('theirs');
  });

  it('checks now: runs the probe, records the result like a scheduled run, announces it', async () => {
    const m = await create({ name: 'now', probe: 'http', config: { url, keyword: 'hello' } });
    const result = await monitoring.service.check(org.orgId, m.id);
    expect(result).toMatchObject({ status: 'up', ok: true, error: null, metadata: { statusCode: 200 } });
    expect(heartbeats.at(-1)).toMatchObject({ monitorId: m.id, orgId: org.orgId, status: 'up', ok: true });
    expect(statuses.at(-1)).toMatchObject({ monitorId: m.id, previous: 'pending', status: 'up', reason: null });
    await monitoring.writer.flush();
    const beats = await monitoring.service.heartbeats(org.orgId, m.id, { limit: 10 });
    expect(beats).toEqual([
      { at: result.at, status: 'up', ok: true, latencyMs: expect.any(Number), timings: expect.objectContaining({ total: expect.any(Number) }), error: null, warning: null, metadata: expect.objectContaining({ statusCode: 200 }) },
    ]);
    expect((await monitoring.service.get(org.orgId, m.id)).status).toBe('up');
    expect(await monitoring.service.uptime(org.orgId, m.id, ['24h', '90d'])).toEqual({ '24h': 100, '90d': 100 });
  });

  it('goes down after its retries with the failure as the reason; a warning assertion makes it degraded', async () => {
    const m = await create({ name: 'down', probe: 'tcp', config: { host: '127.0.0.1', port: closedPort }, retries: 1 });
    expect((await monitoring.service.check(org.orgId, m.id)).status).toBe('pending');
    const second = await monitoring.service.check(org.orgId, m.id);
    expect(second).toMatchObject({ status: 'down', ok: false, error: { code: 'CONNECTION_REFUSED' } });
    expect(statuses.at(-1)).toMatchObject({ monitorId: m.id, previous: 'pending', status: 'down', reason: { code: 'CONNECTION_REFUSED' } });

    const slow = await create({ name: 'slow', probe: 'http', config: { url }, assertions: [{ type: 'latency', maxMs: 1, severity: 'warning' }] });
    // A local answer may beat 1 ms; either way the verdict is consistent with the measured latency.
    const r = await monitoring.service.check(org.orgId, slow.id);
    expect(r.status).toBe(r.latencyMs > 1 ? 'degraded' : 'up');
    expect(r.warning?.code).toBe(r.latencyMs > 1 ? 'LATENCY_ABOVE_LIMIT' : undefined);
  });

  it('pauses and resumes: unscheduled while paused, pending again after, both audited', async () => {
    const m = await create({ name: 'p', probe: 'http', config: { url } });
    const scheduler = monitoring.engine.scheduler as unknown as { dueOf(id: string): number | undefined };
    const paused = await monitoring.service.pause(org.orgId, actor(), m.id);
    expect(paused).toMatchObject({ paused: true, status: 'paused' });
    expect(scheduler.dueOf(m.id)).toBeUndefined();
    expect(statuses.at(-1)).toMatchObject({ monitorId: m.id, previous: 'pending', status: 'paused', reason: null });
    expect(await monitoring.service.pause(org.orgId, actor(), m.id)).toMatchObject({ paused: true }); // idempotent
    const resumed = await monitoring.service.resume(org.orgId, actor(), m.id);
    expect(resumed).toMatchObject({ paused: false, status: 'pending' });
    expect(scheduler.dueOf(m.id)).toBeDefined();
    const rows = await orm.em.getConnection().execute<{ action: string }[]>('SELECT action FROM audit_log WHERE target = ? ORDER BY id', [m.id]);
    expect(rows.map((r) => r.action)).toEqual(['monitor.created', 'monitor.paused', 'monitor.resumed']);
  });

  it('deletes: unscheduled at once, announced, history purged', async () => {
    const m = await create({ name: 'd', probe: 'http', config: { url } });
    await monitoring.service.check(org.orgId, m.id);
    await monitoring.writer.flush();
    const deleted: string[] = [];
    const off = monitoring.events.on('monitor:delete', (e) => deleted.push(e.monitorId));
    await monitoring.service.remove(org.orgId, actor(), m.id);
    off();
    expect(deleted).toEqual([m.id]);
    expect(monitoring.engine.has(m.id)).toBe(false);
    expect(await errorOf(monitoring.service.get(org.orgId, m.id))).toMatchObject({ status: 404 });
    const count = async () =>
      Number((await orm.em.getConnection().execute<{ n: string }[]>('SELECT count(*) AS n FROM heartbeats WHERE monitor_id = ?', [m.id]))[0]!.n);
    for (let i = 0; i < 100 && (await count()) > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await count()).toBe(0);
  });
});
