/**
 * Test-only: a whole PingPage (startTestApp, wired by main.ts) for the status pages' tests, with
 * their knobs (a fake clock, snapshot timings) and shortcuts: organizations, users and monitors
 * written as rows, API calls as a given user (signed in for real, once), monitor status changes
 * announced on the app's bus as monitoring would.
 *
 * Monitors written here are never checked: re-reading the monitors table is off, so monitoring
 * does not learn of them and their status is whatever the test says.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import bcrypt from 'bcrypt';
import type { Role } from '../../contracts/auth.js';
import type { Orm } from '../db/orm.js';
import type { MonitorStatus } from '../../contracts/monitors.js';
import type { Clock } from '../scheduler/clock.js';
import { startTestApp, type TestApp } from '../testing/app.js';
import { TestClient } from '../testing/client.js';
import type { TestDatabase } from '../testing/db.js';
import type { StatusPages, StatusPagesTuning } from './index.js';
import { rows } from '../db/sql.js';

export interface Harness {
  app: TestApp;
  db: TestDatabase;
  orm: Orm;
  sp: StatusPages;
  /** The app's Koa alone, without the fast path in front: http://127.0.0.1:<port> */
  url: string;
  /** The app as it serves: the status pages' fast path ahead of Koa. */
  fastUrl: string;
  sql<T = any>(text: string, params?: unknown[]): Promise<T[]>;
  /** An org with a user of `role`; answers both ids. */
  org(role?: Role): Promise<{ orgId: string; userId: string }>;
  addUser(orgId: string, role: Role): Promise<string>;
  monitors(orgId: string, n: number, status?: MonitorStatus): Promise<string[]>;
  /** JSON API call as `userId` (a user made by org() or addUser()), through the app's own port. */
  api(userId: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  /** A raw request to the server (public pages). */
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  /** Announces a status change of a monitor made by monitors(), on the app's bus. */
  setMonitor(monitorId: string, status: MonitorStatus, since?: string): void;
  close(): Promise<void>;
}

/** Every harness user's password; hashed at the lowest bcrypt cost, so signing in costs ~1 ms. */
const PASSWORD = 'status-pages-test-password';
let passwordHash: Promise<string> | undefined;

/**
 * Takes every claimed custom domain as proven, as Verify does once it finds the TXT record
 * (domains.test.ts tests that), and serves them: for tests of what a domain serves.
 */
export async function proveDomains(orm: Orm, store: StatusPages['store']): Promise<void> {
  const proven = await rows<{ id: string }>(orm.em.fork(), 'UPDATE status_pages SET domain_verified_at = now() WHERE custom_domain IS NOT NULL AND domain_verified_at IS NULL RETURNING id');
  await store.refreshPages(proven.map((p) => p.id));
}

export async function startHarness(opts: { clock?: Clock; tuning?: StatusPagesTuning['tuning'] } = {}): Promise<Harness> {
  // Alerting's timers off: its outbox and sweeps would query the database while a test counts the pages' queries.
  const app = await startTestApp({}, { statusPages: { clock: opts.clock, tuning: opts.tuning }, monitoring: { reconcileMs: 0, retention: false }, alerting: { sweepMs: 0, worker: { pollMs: 0 } } });
  const { orm, db } = app;
  // The same Koa app on a second port, for tests comparing it with the fast path (fast.test.ts).
  const koaOnly = http.createServer(app.app.callback());
  await new Promise<void>((r) => koaOnly.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(koaOnly.address() as AddressInfo).port}`;
  const sql = <T = any>(text: string, params: unknown[] = []) => rows<T>(orm.em.fork(), text, params);

  const addUser = async (orgId: string, role: Role) => {
    const userId = randomUUID();
    const hash = await (passwordHash ??= bcrypt.hash(PASSWORD, 4));
    await sql('INSERT INTO users (id, email, name, password_hash) VALUES (?, ?, ?, ?)', [userId, `${userId}@example.test`, 'U', hash]);
    await sql('INSERT INTO memberships (org_id, user_id, role) VALUES (?, ?, ?)', [orgId, userId, role]);
    return userId;
  };
  // Each user's signed-in client, made on their first call.
  const clients = new Map<string, Promise<TestClient>>();
  const clientOf = (userId: string) => {
    let c = clients.get(userId);
    if (!c) {
      c = (async () => {
        const client = new TestClient(app.url); // our own origin, for the CSRF check
        const res = await client.post('/auth/login', { email: `${userId}@example.test`, password: PASSWORD });
        if (res.status !== 200) throw new Error(`sign-in of ${userId}: ${res.status} ${JSON.stringify(res.body)}`);
        return client;
      })();
      clients.set(userId, c);
    }
    return c;
  };
  // What monitors() wrote, so a status change carries its org and previous status like monitoring's.
  const written = new Map<string, { orgId: string; status: MonitorStatus }>();
  const now = () => (opts.clock ?? { now: Date.now }).now();

  return {
    app,
    db,
    orm,
    sp: app.statusPages,
    url,
    fastUrl: app.url,
    sql,
    addUser,
    async org(role: Role = 'owner') {
      const orgId = randomUUID();
      await sql('INSERT INTO orgs (id, name) VALUES (?, ?)', [orgId, 'Org ' + orgId.slice(0, 4)]);
      return { orgId, userId: await addUser(orgId, role) };
    },
    async monitors(orgId, n, status = 'up') {
      const ids = Array.from({ length: n }, () => randomUUID());
      for (const id of ids) {
        await sql(
          // status_since long ago: the fake clocks of tests run behind the database's.
          `INSERT INTO monitors (id, org_id, name, probe, config, interval_seconds, timeout_seconds, retries, status, status_since)
           VALUES (?, ?, ?, 'http', '{}', 60, 10, 0, ?, '2026-01-01T00:00:00Z')`,
          [id, orgId, `internal-${id.slice(0, 6)}`, status],
        );
        written.set(id, { orgId, status });
      }
      return ids;
    },
    async api(userId, method, path, body) {
      const res = await (await clientOf(userId)).req(method, path, body);
      return { status: res.status, body: res.body };
    },
    get: (path, headers = {}) => fetch(url + path, { headers, redirect: 'manual' }),
    setMonitor(monitorId, status, since) {
      const m = written.get(monitorId);
      if (!m) throw new Error(`setMonitor: ${monitorId} was not made by monitors()`);
      app.bus.emit('monitor:status', { monitorId, orgId: m.orgId, status, previous: m.status, since: since ?? new Date(now()).toISOString(), reason: null });
      m.status = status;
    },
    async close() {
      koaOnly.closeAllConnections();
      await new Promise((r) => koaOnly.close(r));
      await app.stop();
    },
  };
}
