/**
 * A real PingPage process (`server/start.ts`) killed with SIGKILL between a status change and
 * its alert's delivery, then started again on the same database: the alert arrives exactly once.
 *
 * The kill has to land inside that window every time, so the test holds PostgreSQL locks from
 * its own connection to stop the process there, checks that it did stop there, kills it, ends
 * the dead process's sessions (as PostgreSQL would once it noticed) and only then lets go:
 *
 * 1. the status change is stored, alerting's decision waits on the monitor's alert state row:
 *    killed before any outbox row exists (the catch-up at the next start queues it);
 * 2. the outbox row is committed, the delivery worker waits on the outbox table: killed after
 *    queueing, before sending (the next start's worker sends it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { signUp, TestClient } from '../testing/client.js';
import { createTestDatabase, type TestDatabase } from '../testing/db.js';
import { httpReceiver, type HttpReceiver } from '../testing/receivers.js';

const root = path.resolve(import.meta.dirname, '../..');
const APP_NAME = 'pp-restart-test';
const children: ChildProcess[] = [];
let db: TestDatabase;
let dataDir: string;
let hooks: HttpReceiver;
let target: HttpReceiver;
let healthy = true;
let client: TestClient;
let orgId: string;
let monitorId: string;
let channelId: string;
let server: Server;

interface Server {
  child: ChildProcess;
  url: string;
  exit: Promise<unknown>;
}

async function startServer(): Promise<Server> {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/start.ts'], {
    cwd: root,
    env: { ...env, DATABASE_URL: db.url, DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn', PINGPAGE_SKIP_CLIENT_BUILD: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const exit = new Promise((r) => child.once('exit', r));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /PingPage is running at (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    void exit.then((code) => reject(new Error(`server exited ${code}: ${err}`)));
  });
  return { child, url, exit };
}

async function connect(): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: db.url, application_name: APP_NAME });
  await c.connect();
  return c;
}

/** Sessions of the server's pool waiting for a lock, on a statement matching `like`. */
async function waiting(c: pg.Client, like: string): Promise<number> {
  const r = await c.query(
    `SELECT count(*)::int AS n FROM pg_stat_activity
     WHERE datname = current_database() AND backend_type = 'client backend' AND application_name <> $1 AND wait_event_type = 'Lock' AND query ILIKE $2`,
    [APP_NAME, like],
  );
  return r.rows[0].n;
}

/**
 * SIGKILL, then end the dead process's sessions. PostgreSQL ends an idle one as soon as its
 * socket closes, but one waiting for a lock would first get the lock and run its statement.
 */
async function kill(s: Server, admin: pg.Client): Promise<void> {
  s.child.kill('SIGKILL');
  await s.exit;
  const theirs = `FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend' AND application_name <> $1 AND pid <> pg_backend_pid()`;
  await admin.query(`SELECT pg_terminate_backend(pid) ${theirs}`, [APP_NAME]);
  await vi.waitFor(async () => expect((await admin.query(`SELECT count(*)::int AS n ${theirs}`, [APP_NAME])).rows[0].n).toBe(0), { timeout: 10_000 });
}

const outbox = async (c: pg.Client) =>
  (await c.query(`SELECT event, state, attempts FROM alert_outbox WHERE monitor_id = $1 ORDER BY seq`, [monitorId])).rows as Array<{ event: string; state: string; attempts: number }>;
const received = () => hooks.requests.map((r) => r.json().event as string);

async function check(expected: string) {
  // The session outlives the process (same database, same DATA_DIR secret); the port does not.
  if (client.base !== server.url) {
    const next = new TestClient(server.url);
    next.cookie = client.cookie;
    client = next;
  }
  const res = await client.post(`/orgs/${orgId}/monitors/${monitorId}/check`);
  expect(res.status).toBe(200);
  expect(res.body.status).toBe(expected);
}

beforeAll(async () => {
  db = await createTestDatabase();
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'pp-restart-'));
  hooks = await httpReceiver();
  target = await httpReceiver(() => ({ status: healthy ? 200 : 500 }));
  server = await startServer();
  ({ client, orgId } = await signUp(server.url, 'owner@example.com', { orgName: 'Acme' }));
  const channel = await client.post(`/orgs/${orgId}/notification-channels`, { name: 'hook', notifier: 'webhook', config: { url: hooks.url } });
  expect(channel.status).toBe(201);
  channelId = channel.body.id;
  const monitor = await client.post(`/orgs/${orgId}/monitors`, { name: 'Target', probe: 'http', config: { url: target.url }, intervalSeconds: 3600, retries: 0, alerts: { channelIds: [channelId] } });
  expect(monitor.status).toBe(201);
  monitorId = monitor.body.id;
  await check('up');
  const c = await connect();
  try {
    // Alerting has seen the monitor up: its alert state row exists, to be locked below.
    await vi.waitFor(async () => expect((await c.query('SELECT status FROM alert_states WHERE monitor_id = $1', [monitorId])).rows).toEqual([{ status: 'up' }]), { timeout: 10_000 });
  } finally {
    await c.end();
  }
}, 120_000);

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await Promise.all(children.map((c) => (c.exitCode === null && c.signalCode === null ? new Promise((r) => c.once('exit', r)) : undefined)));
  await hooks?.close();
  await target?.close();
  await db?.drop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('a server killed between a status change and its alert', () => {
  it('before the alert was queued: the next start queues and delivers it exactly once', async () => {
    const admin = await connect();
    const holder = await connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM alert_states WHERE monitor_id = $1 FOR UPDATE', [monitorId]);
      healthy = false;
      await check('down');
      // The change is stored (the results writer), and alerting's decision is stuck on the lock.
      await vi.waitFor(async () => expect((await admin.query('SELECT status FROM monitors WHERE id = $1', [monitorId])).rows).toEqual([{ status: 'down' }]), { timeout: 10_000 });
      await vi.waitFor(async () => expect(await waiting(admin, '%alert_states%')).toBeGreaterThan(0), { timeout: 10_000 });
      expect(await outbox(admin)).toEqual([]);

      await kill(server, admin);
      await holder.query('ROLLBACK');
      expect(await outbox(admin)).toEqual([]);
      expect(received()).toEqual([]);

      server = await startServer();
      await vi.waitFor(() => expect(received()).toEqual(['monitor.down']), { timeout: 20_000 });
      // Over a few of the worker's polls and a second look by the catch-up: nothing more.
      await new Promise((r) => setTimeout(r, 2_500));
      expect(received()).toEqual(['monitor.down']);
      const [down] = hooks.requests;
      expect(down!.json()).toMatchObject({ event: 'monitor.down', monitor: { id: monitorId, name: 'Target' }, status: 'down', reason: { code: 'STATUS_MISMATCH' } });
      await vi.waitFor(async () => expect(await outbox(admin)).toEqual([{ event: 'monitor.down', state: 'delivered', attempts: 1 }]), { timeout: 5_000 });
    } finally {
      await holder.end();
      await admin.end();
    }
  }, 120_000);

  it('after the alert was queued, before it was sent: the next start sends it exactly once', async () => {
    const admin = await connect();
    const channelLock = await connect();
    const tableLock = await connect();
    try {
      // Hold the channel row: writing the outbox row (its foreign key) waits for it.
      await channelLock.query('BEGIN');
      await channelLock.query('SELECT 1 FROM notification_channels WHERE id = $1 FOR UPDATE', [channelId]);
      healthy = true;
      await check('up');
      await vi.waitFor(async () => expect(await waiting(admin, '%INSERT INTO%alert_outbox%')).toBe(1), { timeout: 10_000 });
      // Ask for the outbox table while that transaction holds it: granted the moment it commits,
      // and ahead of the worker's claim, which then waits behind us.
      const tablePid = (await tableLock.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number;
      await tableLock.query('BEGIN');
      const locked = tableLock.query('LOCK TABLE alert_outbox IN EXCLUSIVE MODE');
      await vi.waitFor(async () => {
        const r = await admin.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = $1 AND wait_event_type = 'Lock'`, [tablePid]);
        expect(r.rows[0].n).toBe(1);
      });
      await channelLock.query('COMMIT');
      await locked;
      // Queued and committed, not sent; the worker cannot claim it now.
      expect(await outbox(admin)).toEqual([
        { event: 'monitor.down', state: 'delivered', attempts: 1 },
        { event: 'monitor.up', state: 'pending', attempts: 0 },
      ]);
      await new Promise((r) => setTimeout(r, 1_200)); // a worker poll comes and waits
      expect(received()).toEqual(['monitor.down']);

      await kill(server, admin);
      await tableLock.query('ROLLBACK');
      expect(await outbox(admin)).toEqual([
        { event: 'monitor.down', state: 'delivered', attempts: 1 },
        { event: 'monitor.up', state: 'pending', attempts: 0 },
      ]);

      server = await startServer();
      await vi.waitFor(() => expect(received()).toEqual(['monitor.down', 'monitor.up']), { timeout: 20_000 });
      await new Promise((r) => setTimeout(r, 2_500));
      expect(received()).toEqual(['monitor.down', 'monitor.up']);
      const ids = hooks.requests.map((r) => r.json().id);
      expect(new Set(ids).size).toBe(2);
      await vi.waitFor(
        async () =>
          expect(await outbox(admin)).toEqual([
            { event: 'monitor.down', state: 'delivered', attempts: 1 },
            { event: 'monitor.up', state: 'delivered', attempts: 1 },
          ]),
        { timeout: 5_000 },
      );
    } finally {
      await channelLock.end();
      await tableLock.end();
      await admin.end();
    }
  }, 120_000);
});
