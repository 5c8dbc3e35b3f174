/** Two PingPage processes' worth of servers sharing a database and a Redis: events cross. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { createLogger } from '../log.js';
import { startPingPage, type PingPage } from '../main.js';
import { startTestApp, type TestApp } from '../testing/app.js';
import { signUp, TestClient } from '../testing/client.js';
import { testRedis } from '../testing/redis.js';
import { connected, emitAck, openSocket, sleep } from '../testing/sockets.js';

let one: TestApp;
let two: PingPage;
let redis: Awaited<ReturnType<typeof testRedis>>;
const dir = mkdtempSync(path.join(os.tmpdir(), 'pp-redis-'));
const sockets: Socket[] = [];

beforeAll(async () => {
  redis = await testRedis();
  one = await startTestApp({ REDIS_URL: redis.url });
  const config = loadConfig({ DATABASE_URL: one.db.url, PORT: '0', DATA_DIR: dir, LOG_LEVEL: 'silent', REDIS_URL: redis.url, SESSION_SECRET: one.config.SESSION_SECRET });
  two = await startPingPage(config, { log: createLogger('silent') });
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await two?.close();
  await one?.stop();
  redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('with REDIS_URL', () => {
  it('an event emitted on one server reaches a dashboard connected to the other, and a revocation on one drops a socket on the other', async () => {
    const { client, orgId } = await signUp(one.url, 'multi@example.com');
    const onTwo = openSocket(two.url, '/dashboard', { cookie: client.cookie });
    sockets.push(onTwo);
    await connected(onTwo);
    expect((await emitAck(onTwo, 'subscribe', { orgId })).ok).toBe(true);
    const got = new Promise((r) => onTwo.once('heartbeat', r));
    one.realtime.toOrg(orgId, 'heartbeat', { monitorId: 'm', at: new Date().toISOString(), status: 'up', ok: true, latencyMs: 1 });
    expect(await got).toMatchObject({ monitorId: 'm' });

    const viaOne = new TestClient(one.url);
    viaOne.cookie = client.cookie;
    expect((await viaOne.post('/auth/logout')).status).toBe(204);
    await sleep(1_000);
    expect(onTwo.connected).toBe(false);
  });
});
