/**
 * Issue 12, hole 10: members cannot push the server's memory up with monitors of big bodies. A
 * whole server on its own database, checks run through the API against a local server streaming
 * megabytes, the server's memory budget instrumented.
 */
import { createServer } from 'node:http';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, type Running } from '../../plugins/testing/servers.js';
import { startTestApp, type TestApp } from '../testing/app.js';
import { signUp, type TestClient } from '../testing/client.js';

const MiB = 1024 * 1024;
const BUDGET = 2 * MiB;
let app: TestApp;
let client: TestClient;
let orgId: string;
let target: Running;
/** Bodies stream once released, so the test sees every check holding or waiting first. */
let release: () => void = () => {};
let released = Promise.resolve();

beforeAll(async () => {
  // `/<MiB>`: that many MiB of 'x', chunked, with backpressure, until the client hangs up.
  target = await listen(
    createServer((req, res) => {
      const total = Number(req.url!.slice(1)) * MiB;
      const chunk = Buffer.alloc(64 * 1024, 'x');
      let sent = 0;
      res.flushHeaders();
      const pump = () => {
        while (sent < total && !res.destroyed) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      req.socket.on('close', () => res.destroy());
      void released.then(pump);
    }),
  );
  // Every check here is started by hand and counted against the budget: none at creation.
  app = await startTestApp({}, { monitoring: { memoryBytes: BUDGET, perTarget: 100, immediateChecks: 0 } });
  ({ client, orgId } = await signUp(app.url, 'owner@example.com'));
});
afterAll(async () => {
  await app?.stop();
  await target?.close();
});

const monitor = async (mib: number, config: Record<string, unknown> = {}) => {
  const res = await client.post(`/orgs/${orgId}/monitors`, {
    name: `Big ${mib}`,
    probe: 'http',
    config: { url: `http://127.0.0.1:${target.port}/${mib}`, keyword: 'x{100}', keywordRegex: true, ...config },
    intervalSeconds: 3600,
  });
  expect(res.status).toBe(201);
  return res.body.id as string;
};
const check = (id: string) => client.post(`/orgs/${orgId}/monitors/${id}/check`);

describe('the memory checks hold', () => {
  it('stays within the server-wide budget: six checks of 3 MiB bodies at once, two hold 1 MiB each, the rest wait and pass', async () => {
    const ids = await Promise.all(Array.from({ length: 6 }, () => monitor(3)));
    released = new Promise<void>((resolve) => (release = resolve));
    const budget = app.monitoring.memory;
    const checks = Promise.all(ids.map(check));
    for (let i = 0; i < 2_000 && budget.stats.queued < 4; i++) await new Promise((r) => setTimeout(r, 5));
    expect(budget.stats).toMatchObject({ held: BUDGET, queued: 4 });
    release();
    const results = await checks;
    expect(results.map((r) => r.body.status)).toEqual(Array(6).fill('up'));
    expect(results.map((r) => r.body.metadata.bodyBytes)).toEqual(Array(6).fill(MiB));
    expect(budget.stats).toEqual({ held: 0, highWater: BUDGET, waited: 4, queued: 0 });
  });

  it.each([
    [10 * MiB + 1, 400],
    [64 * MiB, 400],
    [10 * MiB, 201],
  ])('maxBodyBytes %i at creation: %i', async (maxBodyBytes, status) => {
    const res = await client.post(`/orgs/${orgId}/monitors`, { name: 'Cap', probe: 'http', config: { url: `http://127.0.0.1:${target.port}/1`, maxBodyBytes } });
    expect(res.status).toBe(status);
    if (status === 400) expect(res.body.error.details).toEqual([expect.objectContaining({ path: 'config.maxBodyBytes', code: 'too_big' })]);
  });

  it('clamps a monitor stored with the old 64 MiB limit to 10 MiB when it runs', async () => {
    const id = await monitor(12, { keyword: 'never there', keywordRegex: false });
    const sql = new pg.Client({ connectionString: app.db.url });
    await sql.connect();
    await sql.query(`UPDATE monitors SET config = jsonb_set(config, '{maxBodyBytes}', to_jsonb($2::int)) WHERE id = $1`, [id, 64 * MiB]);
    await sql.end();
    const res = await check(id);
    expect(res.body).toMatchObject({ error: { code: 'KEYWORD_MISSING' }, metadata: { bodyBytes: 10 * MiB, bodyTruncated: true } });
  });
});
