/**
 * Acceptance: the database stops for a few seconds while checks run. Every result arrives
 * afterwards, in the database and its rollups, and no monitor went down because of it.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../db/embedded.js';
import { type Orm } from '../db/orm.js';
import { openDatabase } from '../database.js';
import { createMonitoring, loadProbes, type Monitoring } from '../monitors/index.js';
import { allowAll, seedMonitors, seedOrg, silentLog, testConfig } from '../monitors/fixtures.js';
import type { StatusEvent } from '../monitors/events.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'pp-outage-'));
chmodSync(tmp, 0o755); // as root, PostgreSQL runs as its own user and must reach the directory
const dir = path.join(tmp, 'postgres');
const settings = { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' };

let pg: EmbeddedPostgres | undefined;
let orm: Orm | undefined;
let monitoring: Monitoring | undefined;
const target = http.createServer((_req, res) => res.end('ok'));

afterAll(async () => {
  await monitoring?.stop();
  await orm?.close(true);
  await pg?.stop();
  await new Promise((r) => target.close(r));
  rmSync(tmp, { recursive: true, force: true });
});

/** Polls `done` every 50 ms (real time: the database really stops) until it holds. */
async function until(done: () => boolean | Promise<boolean>, what: string, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await done())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('database outage during checks', () => {
  it('keeps every result and no monitor goes down', async () => {
    pg = await startEmbeddedPostgres({ dir, settings });
    const port = pg.port;
    orm = await openDatabase(pg.url, { poolMax: 4 });
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(target.address() as AddressInfo).port}/`;
    const { orgId, principal } = await seedOrg(orm);
    const ids = await seedMonitors(orm, orgId, Array.from({ length: 5 }, () => ({ probe: 'http', config: { url }, intervalSeconds: 1, timeoutSeconds: 1, retries: 0 })));

    monitoring = createMonitoring({
      config: testConfig(),
      log: silentLog,
      orm,
      requireOrg: allowAll(principal),
      probes: await loadProbes({ PINGPAGE_PLUGINS: [] }),
      tuning: { reconcileMs: 0, retention: false, writer: { flushIntervalMs: 100, retryMaxMs: 500 } },
    });
    let beats = 0;
    const statuses: StatusEvent[] = [];
    monitoring.events.on('heartbeat', () => beats++);
    monitoring.events.on('monitor:status', (e) => statuses.push(e));
    const { writer } = monitoring;
    await monitoring.start();

    await until(() => beats >= 10 && writer.queued === 0, 'checks before the outage');
    await pg.stop();
    const beatsAtStop = beats;
    // A few seconds without a database: at least three more rounds of checks.
    await until(() => beats >= beatsAtStop + 15, 'checks during the outage');
    expect(writer.queued).toBeGreaterThan(0);
    pg = await startEmbeddedPostgres({ dir, settings, port });
    await until(() => writer.queued === 0 && writer.stats.written >= beats, 'the queued results to be written');
    await monitoring.stop();

    const [row] = await orm.em.getConnection().execute<{ raw: string; rolled: string }[]>(
      `SELECT (SELECT count(*) FROM heartbeats) AS raw, (SELECT sum(checks) FROM heartbeat_rollups_minute) AS rolled`,
    );
    expect(Number(row!.raw)).toBe(beats);
    expect(Number(row!.rolled)).toBe(beats);
    expect(writer.stats.dropped).toBe(0);
    expect(statuses.map((s) => `${s.previous}→${s.status}`)).toEqual(ids.map(() => 'pending→up'));
    const stored = await orm.em.getConnection().execute<{ status: string }[]>('SELECT DISTINCT status FROM monitors');
    expect(stored).toEqual([{ status: 'up' }]);
  }, 90_000);
});
