import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Orm } from '../db/orm.js';
import { openDatabase } from '../database.js';
import { seedOrg, silentLog } from '../monitors/fixtures.js';
import type { MonitorStatus } from '../../contracts/monitors.js';
import { createTestDatabase, type TestDatabase } from '../testing/db.js';
import { RetentionJob } from './retention.js';
import { daily, uptime } from './rollups.js';
import { HeartbeatWriter, type HeartbeatRecord } from './writer.js';

let db: TestDatabase;
let orm: Orm;

beforeAll(async () => {
  db = await createTestDatabase();
  orm = await openDatabase(db.url, { poolMax: 4 });
});
afterAll(async () => {
  await orm?.close();
  await db?.drop();
});

const NOW = Date.UTC(2026, 10, 29, 12, 30, 0);
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

function beat(monitorId: string, at: number, status: MonitorStatus, latencyMs = 10, intervalSeconds = 60, ok = status !== 'down'): HeartbeatRecord {
  return {
    monitorId,
    at: new Date(at),
    status,
    ok,
    latencyMs,
    error: ok ? undefined : { code: 'TIMEOUT', message: 'No answer' },
    timings: { total: latencyMs },
    metadata: { n: at },
    intervalSeconds,
  };
}

const q = <T>(sql: string, params: unknown[] = []) => orm.em.getConnection().execute<T[]>(sql, params);

describe('HeartbeatWriter', () => {
  it('writes a whole tick of results with one statement', async () => {
    const writer = new HeartbeatWriter(orm, silentLog);
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    for (let i = 0; i < 300; i++) writer.enqueue(beat(ids[i % 3]!, NOW + i * 1000, 'up'));
    // Counted where every statement leaves for PostgreSQL: the driver.
    const spy = vi.spyOn(pg.Client.prototype, 'query');
    await writer.flush();
    const inserts = spy.mock.calls.map(([config]) => config as unknown as { text: string; values: unknown[] }).filter((c) => c.text?.includes('INSERT INTO heartbeats'));
    spy.mockRestore();
    expect(inserts.length).toBe(1);
    // The results travel as bind parameters, apart from the statement's text.
    expect(inserts[0]!.text).toContain('$1');
    expect(inserts[0]!.text).not.toContain(ids[0]);
    expect(String(inserts[0]!.values[0])).toContain(ids[0]);
    expect(writer.stats).toMatchObject({ written: 300, flushes: 1, dropped: 0 });
    const [row] = await q<{ n: string }>('SELECT count(*) AS n FROM heartbeats WHERE monitor_id = ANY (ARRAY[?, ?, ?]::uuid[])', ids);
    expect(Number(row!.n)).toBe(300);
  });

  it('adds batches into minute, hour and day rollups (UTC buckets; failures = down; latency over the rest; checked time as uptime.ts counts it)', async () => {
    const writer = new HeartbeatWriter(orm, silentLog);
    const id = randomUUID();
    const t = Date.UTC(2026, 10, 29, 23, 59, 10);
    writer.enqueue(beat(id, t, 'up', 20));
    writer.enqueue(beat(id, t + 20_000, 'down', 5_000));
    await writer.flush();
    writer.enqueue(beat(id, t + 40_000, 'degraded', 40));
    writer.enqueue(beat(id, t + 60_000, 'up', 30)); // next minute, hour and day
    await writer.flush();
    const rollups = async (table: string) =>
      (await q<Record<string, unknown>>(`SELECT bucket, checks, failures, degraded, latency_sum, latency_min, latency_max, up_seconds, down_seconds FROM ${table} WHERE monitor_id = ? ORDER BY bucket`, [id])).map((r) => ({
        ...r,
        bucket: new Date(r.bucket as string).toISOString(),
      }));
    // Checked time: the first check covers one interval (60 s), each later one the 20 s since the
    // one before it, whether that one came in the same batch or an earlier one.
    const first = { checks: 3, failures: 1, degraded: 1, latency_sum: 60, latency_min: 20, latency_max: 40, up_seconds: 80, down_seconds: 20 };
    const second = { checks: 1, failures: 0, degraded: 0, latency_sum: 30, latency_min: 30, latency_max: 30, up_seconds: 20, down_seconds: 0 };
    expect(await rollups('heartbeat_rollups_minute')).toEqual([
      { bucket: '2026-11-29T23:59:00.000Z', ...first },
      { bucket: '2026-11-30T00:00:00.000Z', ...second },
    ]);
    expect(await rollups('heartbeat_rollups_hour')).toEqual([
      { bucket: '2026-11-29T23:00:00.000Z', ...first },
      { bucket: '2026-11-30T00:00:00.000Z', ...second },
    ]);
    expect(await rollups('heartbeat_rollups_day')).toEqual([
      { bucket: '2026-11-29T00:00:00.000Z', ...first },
      { bucket: '2026-11-30T00:00:00.000Z', ...second },
    ]);
  });

  it('counts no checked time for failed checks while retries remain, pending, maintenance or paused; a gap covers one interval at most', async () => {
    const writer = new HeartbeatWriter(orm, silentLog);
    const id = randomUUID();
    const t = Date.UTC(2026, 10, 29, 10, 0, 0);
    const list: HeartbeatRecord[] = [
      beat(id, t, 'up'), // 60 up (the first)
      beat(id, t + 30_000, 'up', 10, 60, false), // failed, retrying: not counted
      beat(id, t + 60_000, 'pending', 10, 60, false), // not counted
      beat(id, t + 90_000, 'down'), // 30 down
      beat(id, t + 120_000, 'maintenance'), // not counted
      beat(id, t + 150_000, 'paused'), // not counted
      beat(id, t + 3 * HOUR, 'up', 10, 120), // after a long gap: one interval, 120 up
      beat(id, t + 3 * HOUR + 10_400, 'degraded'), // 10 s (whole seconds of the starts) up
    ];
    for (const b of list.slice(0, 4)) writer.enqueue(b);
    await writer.flush();
    for (const b of list.slice(4)) writer.enqueue(b);
    await writer.flush();
    const [row] = await q<{ up: string; down: string }>('SELECT sum(up_seconds) AS up, sum(down_seconds) AS down FROM heartbeat_rollups_day WHERE monitor_id = ?', [id]);
    expect({ up: Number(row!.up), down: Number(row!.down) }).toEqual({ up: 60 + 120 + 10, down: 30 });
  });

  it('persists status changes, the last per monitor, never over a pause or a newer change', async () => {
    const { orgId } = await seedOrg(orm);
    const [a, b] = [randomUUID(), randomUUID()];
    for (const [id, paused] of [[a, false], [b, true]] as const) {
      await orm.em.getConnection().execute(
        `INSERT INTO monitors (id, org_id, name, probe, config, interval_seconds, timeout_seconds, retries, paused, status, status_since)
         VALUES (?, ?, 'm', 'http', '{}', 60, 10, 1, ?, ?, ?)`,
        [id, orgId, paused, paused ? 'paused' : 'pending', new Date(NOW)],
        'run',
      );
    }
    const writer = new HeartbeatWriter(orm, silentLog);
    writer.enqueue(beat(a, NOW + 1000, 'down'), { monitorId: a, status: 'down', since: new Date(NOW + 1000), reason: 'TIMEOUT: No answer' });
    writer.enqueue(beat(a, NOW + 2000, 'up'), { monitorId: a, status: 'up', since: new Date(NOW + 2000), reason: null });
    writer.enqueue(beat(b, NOW + 1000, 'paused'), { monitorId: b, status: 'down', since: new Date(NOW + 1000), reason: 'x' });
    await writer.flush();
    writer.enqueue(beat(a, NOW - 5000, 'down'), { monitorId: a, status: 'down', since: new Date(NOW - 5000), reason: 'stale' });
    await writer.flush();
    const rows = await q<{ id: string; status: string; status_since: string; status_reason: string | null }>(
      'SELECT id, status, status_since, status_reason FROM monitors WHERE id IN (?, ?)',
      [a, b],
    );
    const byId = Object.fromEntries(rows.map((r) => [r.id, { status: r.status, since: new Date(r.status_since).getTime(), reason: r.status_reason }]));
    expect(byId[a]).toEqual({ status: 'up', since: NOW + 2000, reason: null });
    expect(byId[b]).toEqual({ status: 'paused', since: NOW, reason: null });
  });

  it('keeps at most maxQueued results, counting what it drops', () => {
    const writer = new HeartbeatWriter(orm, silentLog, { maxQueued: 10 });
    const accepted = Array.from({ length: 15 }, (_, i) => writer.enqueue(beat(randomUUID(), NOW + i, 'up')));
    expect(accepted.filter(Boolean).length).toBe(10);
    expect(writer.stats.dropped).toBe(5);
    expect(writer.queued).toBe(10);
  });

  it('stores text a hostile server sent, NUL bytes included', async () => {
    const writer = new HeartbeatWriter(orm, silentLog);
    const id = randomUUID();
    writer.enqueue({ ...beat(id, NOW, 'down'), error: { code: 'BANNER_MISMATCH', message: 'got \0\u0001"\'\\' }, metadata: { banner: 'a\0b' } });
    await writer.flush();
    const [row] = await q<{ error_message: string; metadata: { banner: string } }>('SELECT error_message, metadata FROM heartbeats WHERE monitor_id = ?', [id]);
    expect(row).toEqual({ error_message: 'got \uFFFD\u0001"\'\\', metadata: { banner: 'a\uFFFDb' } });
  });
});

describe('uptime and daily bars', () => {
  const id = randomUUID();
  beforeAll(async () => {
    const writer = new HeartbeatWriter(orm, silentLog);
    // An hourly monitor: each check covers the time since the one before it, at most an hour (3,600 s).
    const beats: Array<[number, MonitorStatus, number]> = [
      [NOW - 100 * DAY, 'up', 10], // outside every window
      [NOW - 60 * DAY, 'up', 10], // 3,600 s
      [NOW - 20 * DAY, 'down', 10], // 3,600 s down
      [NOW - 4 * DAY, 'up', 10],
      [NOW - 4 * DAY + HOUR, 'up', 10],
      [NOW - 4 * DAY + 2 * HOUR, 'up', 10],
      [NOW - DAY - 10 * MIN, 'down', 9999], // 28th 12:20, 3,600 s down
      [NOW - DAY - MIN, 'up', 20], // 28th 12:29, 540 s
      [NOW - DAY + 15 * MIN, 'up', 40], // 28th 12:45, 960 s: inside 24 h, but before its first whole hour (13:00)
      [NOW - 150 * MIN, 'down', 9999], // 29th 10:00, 3,600 s down
      [NOW - MIN, 'degraded', 100], // 29th 12:29, 3,600 s
    ];
    for (const [at, status, latency] of beats) writer.enqueue(beat(id, at, status, latency, 3600));
    await writer.flush();
  });

  it('answers every window from the rollups, from its first whole hour, as a share of checked time', async () => {
    expect(await uptime(orm.em.fork(), id, ['24h', '7d', '30d', '90d'], NOW)).toEqual({
      '24h': 50, // 3,600 s up, 3,600 s down
      '7d': 68.831, // 15,900 up, 7,200 down
      '30d': 59.55, // 15,900 up, 10,800 down
      '90d': 64.356, // 19,500 up, 10,800 down
    });
    expect(await uptime(orm.em.fork(), randomUUID(), ['24h'], NOW)).toEqual({ '24h': null });
  });

  it('gives one bar per UTC day, empty days included', async () => {
    expect(await daily(orm.em.fork(), id, 3, NOW)).toEqual([
      { date: '2026-11-27', uptime: null, checks: 0, avgLatencyMs: null },
      { date: '2026-11-28', uptime: 29.411, checks: 3, avgLatencyMs: 30 }, // 1,500 s up, 3,600 down
      { date: '2026-11-29', uptime: 50, checks: 2, avgLatencyMs: 100 },
    ]);
    expect((await daily(orm.em.fork(), id, 90, NOW)).length).toBe(90);
  });

  it('reads only rollup tables', async () => {
    const spy = vi.spyOn(orm.em.getConnection(), 'execute');
    await uptime(orm.em.fork(), id, ['24h', '7d', '30d', '90d'], NOW);
    await daily(orm.em.fork(), id, 90, NOW);
    const sql = spy.mock.calls.map(([s]) => String(s)).join('\n');
    spy.mockRestore();
    expect(sql).not.toMatch(/FROM heartbeats\b/);
  });
});

describe('RetentionJob', () => {
  it('deletes raw heartbeats and rollups past their retention, keeping the rest', async () => {
    const id = randomUUID();
    const now = Date.now();
    const writer = new HeartbeatWriter(orm, silentLog);
    for (const age of [200 * DAY, 100 * DAY, 3 * DAY, HOUR]) writer.enqueue(beat(id, now - age, 'up'));
    await writer.flush();
    const job = new RetentionJob(orm, { RAW_RETENTION_DAYS: 90, ROLLUP_RETENTION_DAYS: 150 }, silentLog);
    const deleted = await job.runOnce(now);
    const count = async (table: string) => Number((await q<{ n: string }>(`SELECT count(*) AS n FROM ${table} WHERE monitor_id = ?`, [id]))[0]!.n);
    expect(deleted.heartbeats).toBeGreaterThanOrEqual(2); // other tests' old rows go too
    expect(await count('heartbeats')).toBe(2); // 3 days and 1 hour old
    expect(await count('heartbeat_rollups_minute')).toBe(1); // 48 h only
    expect(await count('heartbeat_rollups_hour')).toBe(3); // 200 days is past 150
    expect(await count('heartbeat_rollups_day')).toBe(3);
  });
});
