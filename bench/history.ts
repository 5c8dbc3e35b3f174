/**
 * npm run bench:history [-- --monitors 500 --per-monitor 10000 --runs 200]
 *
 * Seeds raw heartbeats (5 million by default: 500 monitors × 10,000 checks spread over 90 days)
 * with the rollups the writer would have built from them, then times what a monitor page asks
 * for: uptime over 24h/7d/30d/90d plus 90 daily bars, through the same functions the API uses.
 * Then again with 10× fewer rows (a tenth of the monitors, same history each, in a second database
 * on the same server): the answer time must not depend on the size of the raw table. The two are
 * timed in alternation, so load from anything else on the machine hits both alike.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '../server/db/embedded.js';
import { type Orm } from '../server/db/orm.js';
import { openDatabase } from '../server/database.js';
import { seedOrg } from '../server/monitors/fixtures.js';
import { daily, uptime } from '../server/results/rollups.js';
import { WINDOW_NAMES } from '../contracts/uptime.js';
import { fmt, numberArg, percentile, report } from './stats.js';

const MONITORS = numberArg('monitors', 500);
const PER_MONITOR = numberArg('per-monitor', 10_000);
const RUNS = numberArg('runs', 200);
const SPAN_S = 90 * 86_400;

const exec = (orm: Orm, sql: string, params: unknown[] = []) => orm.em.getConnection().execute(sql, params, 'run');

/** Oldest first, in time slices, so rows lie on disk in arrival order as the writer leaves them. */
async function seed(orm: Orm, monitors: number): Promise<number> {
  await exec(orm, 'TRUNCATE heartbeats, heartbeat_rollups_minute, heartbeat_rollups_hour, heartbeat_rollups_day');
  await exec(orm, 'DELETE FROM monitors');
  const { orgId } = await seedOrg(orm);
  await exec(
    orm,
    `INSERT INTO monitors (id, org_id, name, probe, config, interval_seconds, timeout_seconds, retries)
     SELECT gen_random_uuid(), ?, 'm' || i, 'http', '{"url":"http://example.test/"}', 60, 10, 1 FROM generate_series(1, ?) i`,
    [orgId, monitors],
  );
  const step = SPAN_S / PER_MONITOR; // seconds between two checks of one monitor
  const slice = 1_000;
  const t0 = performance.now();
  for (let from = PER_MONITOR - 1; from >= 0; from -= slice) {
    await exec(
      orm,
      `INSERT INTO heartbeats (monitor_id, at, latency_ms, ok, status, error_code, error_message, timings, metadata)
       SELECT m.id, now() - make_interval(secs => g * ?::float8), x.latency, NOT x.down,
              CASE WHEN x.down THEN 'down' WHEN x.latency > 190 THEN 'degraded' ELSE 'up' END,
              CASE WHEN x.down THEN 'TIMEOUT' END, CASE WHEN x.down THEN 'No answer within the 10000 ms timeout' END,
              jsonb_build_object('connect', round((x.latency / 3)::numeric, 2), 'total', x.latency),
              '{"statusCode":200,"redirects":[],"bodyBytes":15,"bodyTruncated":false}'
       FROM generate_series(?::int, ?::int, -1) g CROSS JOIN monitors m
       CROSS JOIN LATERAL (SELECT random() < 0.01 AS down, (5 + random() * 190)::real AS latency OFFSET 0) x`,
      [step, from, Math.max(0, from - slice + 1)],
    );
  }
  // The rollups the writer would have built (same rules: failures = down, latency over the rest).
  const rollup = (table: string, unit: string, where = '') =>
    exec(
      orm,
      `INSERT INTO ${table} (monitor_id, bucket, checks, failures, degraded, latency_sum, latency_min, latency_max)
       SELECT monitor_id, date_trunc('${unit}', at, 'UTC'), count(*), count(*) FILTER (WHERE status = 'down'),
              count(*) FILTER (WHERE status = 'degraded'), coalesce(sum(latency_ms) FILTER (WHERE status <> 'down'), 0),
              min(latency_ms) FILTER (WHERE status <> 'down'), max(latency_ms) FILTER (WHERE status <> 'down')
       FROM heartbeats ${where} GROUP BY 1, 2`,
    );
  await rollup('heartbeat_rollups_minute', 'minute', "WHERE at > now() - interval '48 hours'");
  await rollup('heartbeat_rollups_hour', 'hour');
  await rollup('heartbeat_rollups_day', 'day');
  await exec(orm, 'VACUUM ANALYZE heartbeats');
  await exec(orm, 'VACUUM ANALYZE heartbeat_rollups_minute');
  await exec(orm, 'VACUUM ANALYZE heartbeat_rollups_hour');
  await exec(orm, 'VACUUM ANALYZE heartbeat_rollups_day');
  console.log(`  seeded ${(monitors * PER_MONITOR).toLocaleString('en')} heartbeats and their rollups in ${fmt((performance.now() - t0) / 1000)} s`);
  return monitors * PER_MONITOR;
}

/** Uptime (4 windows) + 90 daily bars for a random monitor: milliseconds for the page. */
async function page(orm: Orm, ids: string[]): Promise<number> {
  const id = ids[Math.floor(Math.random() * ids.length)]!;
  const em = orm.em.fork();
  const start = performance.now();
  await uptime(em, id, WINDOW_NAMES);
  await daily(em, id, 90);
  return performance.now() - start;
}

/** Times both databases in alternation; sorted milliseconds per page for each. */
async function time(big: Orm, small: Orm): Promise<[number[], number[]]> {
  const idsOf = async (orm: Orm) => (await orm.em.getConnection().execute<{ id: string }[]>('SELECT id FROM monitors')).map((r) => r.id);
  const [bigIds, smallIds] = [await idsOf(big), await idsOf(small)];
  for (let i = 0; i < 20; i++) await Promise.all([page(big, bigIds), page(small, smallIds)]); // warm pools and plans
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    a.push(await page(big, bigIds));
    b.push(await page(small, smallIds));
  }
  return [a.sort((x, y) => x - y), b.sort((x, y) => x - y)];
}

async function sizes(orm: Orm): Promise<string> {
  const [row] = await orm.em.getConnection().execute<{ raw: string; rollups: string }[]>(
    `SELECT pg_size_pretty(pg_total_relation_size('heartbeats')) AS raw,
            pg_size_pretty(pg_total_relation_size('heartbeat_rollups_minute') + pg_total_relation_size('heartbeat_rollups_hour')
              + pg_total_relation_size('heartbeat_rollups_day')) AS rollups`,
  );
  return `raw ${row!.raw}, rollups ${row!.rollups}`;
}

async function main() {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'pp-bench-history-'));
  chmodSync(tmp, 0o755);
  // Seeding speed only: durability plays no part in the query times measured.
  const pg = await startEmbeddedPostgres({ dir: path.join(tmp, 'postgres'), settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', max_wal_size: '4GB' } });
  try {
    const orm = await openDatabase(pg.url);
    await exec(orm, 'CREATE DATABASE pingpage_small');
    const smallOrm = await openDatabase(pg.url.replace(/\/pingpage$/, '/pingpage_small'));
    console.log(`bench:history: uptime(24h, 7d, 30d, 90d) + daily(90) for one monitor, ${RUNS} runs`);
    const bigRows = await seed(orm, MONITORS);
    const smallRows = await seed(smallOrm, Math.max(1, Math.round(MONITORS / 10)));
    const [big, small] = await time(orm, smallOrm);
    const ratio = percentile(big, 0.99) / percentile(small, 0.99);
    report('results', [
      [`${bigRows.toLocaleString('en')} rows: p50 (ms)`, fmt(percentile(big, 0.5), 2)],
      [`${bigRows.toLocaleString('en')} rows: p99 (ms)`, fmt(percentile(big, 0.99), 2), '≤ 20', percentile(big, 0.99) <= 20],
      [`${bigRows.toLocaleString('en')} rows: max (ms)`, fmt(big.at(-1)!, 2)],
      [`${smallRows.toLocaleString('en')} rows: p50 (ms)`, fmt(percentile(small, 0.5), 2)],
      [`${smallRows.toLocaleString('en')} rows: p99 (ms)`, fmt(percentile(small, 0.99), 2)],
      [`${smallRows.toLocaleString('en')} rows: max (ms)`, fmt(small.at(-1)!, 2)],
      ['p99 ratio (10× rows / 1× rows)', fmt(ratio, 2), '≤ 2', ratio <= 2],
    ]);
    console.log(`  machine load average (1/5/15 min) at the end: ${os.loadavg().map((l) => l.toFixed(2)).join(' / ')} on ${os.cpus().length} cores`);
    console.log(`  table sizes: ${await sizes(orm)} (large); ${await sizes(smallOrm)} (small)`);
    await smallOrm.close();
    await orm.close();
  } finally {
    await pg.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
