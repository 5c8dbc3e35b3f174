import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Orm } from '../db/orm.js';
import { openDatabase } from '../database.js';
import type { HeartbeatEvent } from '../monitors/events.js';
import { seedMonitors, seedOrg, silentLog } from '../monitors/fixtures.js';
import type { MonitorStatus } from '../../contracts/monitors.js';
import { uptime } from '../results/rollups.js';
import { HeartbeatWriter } from '../results/writer.js';
import { createTestDatabase, type TestDatabase } from '../testing/db.js';
import { RecentBeats, SNAPSHOT_BEATS } from './recent.js';

let db: TestDatabase;
let orm: Orm;
let orgId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  orm = await openDatabase(db.url, { poolMax: 4 });
  ({ orgId } = await seedOrg(orm));
});
afterAll(async () => {
  await orm?.close();
  await db?.drop();
});

const MIN = 60_000;
const HOUR = 60 * MIN;
const em = () => orm.em.fork();

/** The strip with absolute times (a snapshot carries differences). */
function strip(recent: RecentBeats, id: string) {
  const { dt, s, l } = recent.beats(id);
  let at = 0;
  return { t: dt.map((d) => (at += d)), s, l };
}
const monitor = async () => (await seedMonitors(orm, orgId, [{ probe: 'http', config: {}, intervalSeconds: 60, timeoutSeconds: 5 }]))[0]!;

function event(monitorId: string, at: number, status: MonitorStatus = 'up', latencyMs = 42, intervalSeconds = 60, ok = status !== 'down'): HeartbeatEvent {
  return { monitorId, orgId, at: new Date(at).toISOString(), status, ok, latencyMs, intervalSeconds };
}
/** Now on a whole second: checked time counts whole seconds of the checks' starts. */
const wholeSecond = () => Math.floor(Date.now() / 1000) * 1000;

/** Stores checks the way the check engine does: through the batched writer (beats and rollups). */
async function store(events: HeartbeatEvent[]) {
  const writer = new HeartbeatWriter(orm, silentLog);
  for (const e of events) {
    writer.enqueue({ monitorId: e.monitorId, at: new Date(e.at), status: e.status, ok: e.ok, latencyMs: e.latencyMs, timings: { total: e.latencyMs }, metadata: {}, intervalSeconds: e.intervalSeconds });
  }
  await writer.stop();
}

/** What the database says, for comparison: the last beats, and the 24 h uptime as the API answers it. */
async function fromDatabase(id: string, now: number) {
  const conn = orm.em.getConnection();
  const beats = await conn.execute<Array<{ at: Date; status: string }>>(
    `SELECT at, status FROM heartbeats WHERE monitor_id = ? ORDER BY at DESC LIMIT ${SNAPSHOT_BEATS}`, [id]);
  return {
    t: beats.map((b) => Math.floor(new Date(b.at).getTime() / 1000)).reverse(),
    uptime: (await uptime(em(), id, ['24h'], now))['24h'],
  };
}

describe('RecentBeats', () => {
  it('reads a monitor the database knows: its last beats oldest first and the 24 h uptime of the rollups', async () => {
    const id = await monitor();
    const now = Date.now();
    // 30 hours of checks every 10 minutes, one in seven down; the oldest six hours are outside the window.
    const history = Array.from({ length: 180 }, (_, i) => event(id, now - (180 - i) * 10 * MIN, i % 7 === 0 ? 'down' : 'up', i, 600));
    await store(history);
    const recent = new RecentBeats(em);
    await recent.ensure([id]);
    const cols = strip(recent, id);
    const expected = await fromDatabase(id, now);
    expect(cols.t).toEqual(expected.t);
    expect(cols.t).toHaveLength(SNAPSHOT_BEATS);
    expect(cols.l.at(-1)).toBe(179);
    expect(cols.s.at(-1)).toBe(history.at(-1)!.status === 'down' ? 'd' : 'u');
    expect(recent.uptime24h(id, now)).toBe(expected.uptime);
    expect(expected.uptime).toBeGreaterThan(80);
    expect(expected.uptime).toBeLessThan(90);
  });

  it('follows new checks: the strip keeps the last 50, in start order, and the uptime moves', async () => {
    const id = await monitor();
    const recent = new RecentBeats(em);
    await recent.ensure([id]);
    expect(recent.beats(id)).toEqual({ dt: [], s: '', l: [] });
    expect(recent.uptime24h(id)).toBeNull();
    const now = wholeSecond();
    for (let i = 0; i < 60; i++) recent.record(event(id, now - (60 - i) * MIN, i < 50 ? 'up' : 'down', i));
    // A check that started earlier but ended later lands in its place, covering the 59 whole seconds since the one before it.
    recent.record(event(id, now - 30 * MIN - 500, 'degraded', -5));
    const cols = strip(recent, id);
    expect(cols.t).toHaveLength(SNAPSHOT_BEATS);
    expect([...cols.t].sort((a, b) => a - b)).toEqual(cols.t);
    expect(cols.s).toContain('g');
    expect(cols.s.endsWith('dddddddddd')).toBe(true);
    expect(recent.checked24h(id, now)).toEqual({ upSeconds: 50 * 60 + 59, downSeconds: 10 * 60 });
    expect(recent.uptime24h(id, now)).toBe(83.602); // 3,059 / 3,659
    // A day later those hours have left the window.
    expect(recent.uptime24h(id, now + 25 * HOUR)).toBeNull();
  });

  it('merges checks that end while the monitor is being read, counting each once', async () => {
    const id = await monitor();
    const now = wholeSecond();
    const stored = Array.from({ length: 10 }, (_, i) => event(id, now - (20 - i) * MIN));
    await store(stored);
    const recent = new RecentBeats(em);
    const reading = recent.ensure([id]);
    // While the read is in flight: one check the database already holds (the writer was quick), two it does not.
    recent.record(stored.at(-1)!);
    recent.record(event(id, now - 5 * MIN, 'down'));
    recent.record(event(id, now - 4 * MIN));
    await reading;
    const cols = strip(recent, id);
    expect(cols.t).toHaveLength(12);
    expect(cols.s).toBe('uuuuuuuuuudu');
    expect(recent.checked24h(id, now)).toEqual({ upSeconds: 11 * 60, downSeconds: 60 });
    expect(recent.uptime24h(id, now)).toBe(91.666);
  });

  it('draws a failed check while retries remain as r and counts no time for it, as the rollups do', async () => {
    const id = await monitor();
    const now = wholeSecond();
    const checks = [
      event(id, now - 4 * MIN),
      event(id, now - 3 * MIN, 'up', 5_000, 60, false), // failed, retrying: the monitor is still up
      event(id, now - 2 * MIN, 'pending', 5_000, 60, false),
      event(id, now - MIN, 'down'),
    ];
    const recent = new RecentBeats(em);
    await recent.ensure([id]);
    for (const e of checks) recent.record(e);
    await store(checks);
    expect(recent.beats(id).s).toBe('urrd');
    expect(recent.checked24h(id, now)).toEqual({ upSeconds: 60, downSeconds: 60 });
    expect(recent.uptime24h(id, now)).toBe((await fromDatabase(id, now)).uptime);
    const reread = new RecentBeats(em);
    await reread.ensure([id]);
    expect(reread.beats(id).s).toBe('urrd');
    expect(reread.checked24h(id, now)).toEqual({ upSeconds: 60, downSeconds: 60 });
  });

  it('forgets a deleted monitor, even one whose read is in flight', async () => {
    const id = await monitor();
    await store([event(id, Date.now() - MIN)]);
    const recent = new RecentBeats(em);
    const reading = recent.ensure([id]);
    recent.forget(id);
    await reading;
    expect(recent.size).toBe(0);
  });

  it('warms every monitor in chunks; afterwards a monitor it never saw is new and starts empty', async () => {
    const ids = await seedMonitors(orm, orgId, Array.from({ length: 3 }, () => ({ probe: 'tcp', config: {}, intervalSeconds: 60, timeoutSeconds: 5 })));
    await store(ids.map((id, i) => event(id, Date.now() - (i + 1) * MIN)));
    const recent = new RecentBeats(em);
    const before = Date.now();
    // Before warming, nobody asked for it: a check of an unknown monitor is left for its first read.
    recent.record(event('00000000-0000-4000-8000-000000000001', before));
    expect(recent.size).toBe(0);
    const n = await recent.warm();
    expect(n).toBeGreaterThanOrEqual(3);
    expect(recent.size).toBe(n);
    for (const id of ids) expect(strip(recent, id).t).toHaveLength(1);
    recent.record(event('00000000-0000-4000-8000-000000000002', before));
    expect(recent.beats('00000000-0000-4000-8000-000000000002').s).toBe('u');
  });
});
