/** The scheduled pipeline end to end on a fake clock: real probes, real database, fake time only. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Orm } from '../db/orm.js';
import { openDatabase } from '../database.js';
import { FakeClock } from '../scheduler/fake-clock.js';
import { createTestDatabase, type TestDatabase } from '../testing/db.js';
import type { HeartbeatEvent, StatusEvent } from './events.js';
import { allowAll, seedMonitors, seedOrg, silentLog, testConfig } from './fixtures.js';
import { createMonitoring, loadProbes, type Monitoring } from './index.js';
import { monitorsById, monitorVersions } from './store.js';

let db: TestDatabase;
let orm: Orm;
let monitoring: Monitoring;
const clock = new FakeClock(Date.now());
const target = http.createServer((_req, res) => res.end('ok'));
const beats: HeartbeatEvent[] = [];
const statuses: StatusEvent[] = [];
let orgId: string;
let ids: string[];

async function until(done: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400 && !done(); i++) await new Promise((r) => setTimeout(r, 25));
  if (!done()) throw new Error(`timed out waiting for ${what}`);
}

beforeAll(async () => {
  db = await createTestDatabase();
  orm = await openDatabase(db.url, { poolMax: 4 });
  const seeded = await seedOrg(orm);
  orgId = seeded.orgId;
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(target.address() as AddressInfo).port}/`;
  ids = await seedMonitors(orm, orgId, [
    { probe: 'http', config: { url }, intervalSeconds: 30, timeoutSeconds: 5 },
    { probe: 'http', config: { url }, intervalSeconds: 30, timeoutSeconds: 5 },
    { probe: 'http', config: { url }, intervalSeconds: 60, timeoutSeconds: 5 },
    { probe: 'smtp', config: { host: 'mail.test' }, intervalSeconds: 30, timeoutSeconds: 5, retries: 0 }, // plugin not loaded
    { probe: 'http', config: { url: 'gopher://x/' }, intervalSeconds: 30, timeoutSeconds: 5, retries: 0 }, // no longer valid
  ]);
  monitoring = createMonitoring({
    config: testConfig(),
    log: silentLog,
    orm,
    requireOrg: allowAll(seeded.principal),
    probes: await loadProbes({ PINGPAGE_PLUGINS: [] }),
    tuning: { clock, reconcileMs: 0, retention: false },
  });
  monitoring.events.on('heartbeat', (e) => beats.push(e));
  monitoring.events.on('monitor:status', (e) => statuses.push(e));
  await monitoring.start();
});
afterAll(async () => {
  await monitoring?.stop();
  await orm?.close();
  await db?.drop();
  await new Promise((r) => target.close(r));
});

const count = (id: string) => beats.filter((b) => b.monitorId === id).length;

describe('scheduled checks', () => {
  it('runs every stored monitor once per interval and records each run', async () => {
    expect(monitoring.engine.size).toBe(5);
    await clock.advance(59_999); // exactly two 30-s slots and one 60-s slot, wherever the phases fall
    await until(() => beats.length >= 9, 'two minutes of checks');
    expect(ids.map(count)).toEqual([2, 2, 1, 2, 2]);
    await monitoring.writer.flush();
    const stored = await orm.em.getConnection().execute<{ n: string }[]>('SELECT count(*) AS n FROM heartbeats');
    expect(Number(stored[0]!.n)).toBe(9);
    expect(monitoring.engine.lateness.count).toBe(9);
  });

  it('turns a monitor its server cannot run into a coded failure, not a crash', () => {
    const reason = (id: string) => statuses.find((s) => s.monitorId === id && s.status === 'down')?.reason?.code;
    expect(reason(ids[3]!)).toBe('UNKNOWN_PROBE');
    expect(reason(ids[4]!)).toBe('CONFIG_INVALID');
    expect(statuses.filter((s) => ids.slice(0, 3).includes(s.monitorId)).map((s) => s.status)).toEqual(['up', 'up', 'up']);
  });

  it('picks up changes made outside this process and drops deleted monitors', async () => {
    const [added] = await seedMonitors(orm, orgId, [{ probe: 'http', config: { url: 'http://127.0.0.1:1/' }, intervalSeconds: 30, timeoutSeconds: 5 }]);
    await orm.em.getConnection().execute('DELETE FROM monitors WHERE id = ?', [ids[0]], 'run');
    const em = orm.em.fork();
    const loaded: string[] = [];
    await monitoring.engine.reconcile(await monitorVersions(em), (ids) => (loaded.push(...ids), monitorsById(em, ids)));
    expect(loaded).toEqual([added]); // only what changed is read in full
    expect(monitoring.engine.has(added!)).toBe(true);
    expect(monitoring.engine.has(ids[0]!)).toBe(false);
    const before = count(ids[0]!);
    await clock.advance(30_000);
    await until(() => count(added!) === 1, 'the added monitor to run');
    expect(count(ids[0]!)).toBe(before);
  });
});
