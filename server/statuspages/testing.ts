/**
 * Test-only: the status pages mounted the way main.ts is asked to mount them (public middleware
 * before the body parser and sessions), with the real org guard. A request names its user in
 * `x-test-user` in place of a session.
 */
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { orgGuard } from '../auth/authorize.js';
import type { Role } from '../../contracts/auth.js';
import type { Principal } from '../auth/types.js';
import { type Orm } from '../db/orm.js';
import { openDatabase } from '../database.js';
import { jsonBody } from '../http/body.js';
import { errorMiddleware } from '../http/errors.js';
import { securityHeaders } from '../http/security.js';
import { silentLog, testConfig } from '../monitors/fixtures.js';
import { membership, orgPolicy } from '../auth/memberships.js';
import type { MonitorStatus } from '../../contracts/monitors.js';
import type { Clock } from '../scheduler/clock.js';
import { createTestDatabase, type TestDatabase } from '../testing/db.js';
import type { MonitorStatusChange } from '../monitors/status-change.js';
import { createStatusPages, type StatusPages } from './index.js';
import { rows } from '../db/sql.js';

export interface Harness {
  db: TestDatabase;
  orm: Orm;
  sp: StatusPages;
  /** http://127.0.0.1:<port> */
  url: string;
  /** The same app with the fast path in front of Koa, as main.ts may mount it. */
  fastUrl: string;
  monitorEvents: EventEmitter<{ status: [MonitorStatusChange] }>;
  sql<T = any>(text: string, params?: unknown[]): Promise<T[]>;
  /** An org with a user of `role`; answers both ids. */
  org(role?: Role): Promise<{ orgId: string; userId: string }>;
  addUser(orgId: string, role: Role): Promise<string>;
  monitors(orgId: string, n: number, status?: MonitorStatus): Promise<string[]>;
  /** JSON API call as `userId`. */
  api(userId: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  /** A raw request to the server (public pages). */
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  setMonitor(monitorId: string, status: MonitorStatus, since?: string): void;
  close(): Promise<void>;
}

/**
 * Takes every claimed custom domain as proven, as Verify does once it finds the TXT record
 * (domains.test.ts tests that), and serves them: for tests of what a domain serves.
 */
export async function proveDomains(orm: Orm, store: StatusPages['store']): Promise<void> {
  const proven = await rows<{ id: string }>(orm.em.fork(), 'UPDATE status_pages SET domain_verified_at = now() WHERE custom_domain IS NOT NULL AND domain_verified_at IS NULL RETURNING id');
  await store.refreshPages(proven.map((p) => p.id));
}

export async function startHarness(opts: { clock?: Clock; tuning?: { refreshEveryMs?: number; coalesceMs?: number; minIntervalMs?: number; maintenanceReloadMs?: number } } = {}): Promise<Harness> {
  const db = await createTestDatabase();
  const orm = await openDatabase(db.url, { poolMax: 6 });
  const config = testConfig();
  const monitorEvents = new EventEmitter<{ status: [MonitorStatusChange] }>();
  const em = () => orm.em.fork();
  const requireOrg = orgGuard({ membership: (o, u) => membership(em(), o, u), policy: (o) => orgPolicy(em(), o) });
  const sp = createStatusPages({
    config,
    log: silentLog,
    orm,
    requireOrg,
    clock: opts.clock,
    tuning: opts.tuning,
    onMonitorStatus: (fn) => {
      monitorEvents.on('status', fn);
      return () => monitorEvents.off('status', fn);
    },
  });
  await sp.start();

  const app = new Koa();
  app.silent = true;
  app.use(securityHeaders({ hsts: false }));
  app.use(errorMiddleware(silentLog));
  app.use(sp.publicMiddleware);
  app.use(jsonBody(1_048_576));
  app.use(async (ctx, next) => {
    const user = ctx.get('x-test-user');
    if (user) ctx.state.principal = { kind: 'user', userId: user, sessionId: randomUUID() } satisfies Principal;
    await next();
  });
  for (const r of sp.routers) {
    r.prefix('/api/v1');
    app.use(r.routes()).use(r.allowedMethods());
  }
  const server = http.createServer(app.callback());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const koa = app.callback();
  const fastServer = http.createServer((req, res) => sp.fastPath(req, res) || void koa(req, res));
  await new Promise<void>((r) => fastServer.listen(0, '127.0.0.1', r));
  const fastUrl = `http://127.0.0.1:${(fastServer.address() as AddressInfo).port}`;
  const sql = <T = any>(text: string, params: unknown[] = []) => rows<T>(orm.em.fork(), text, params);

  const addUser = async (orgId: string, role: Role) => {
    const userId = randomUUID();
    await sql('INSERT INTO users (id, email, name, password_hash) VALUES (?, ?, ?, ?)', [userId, `${userId}@example.test`, 'U', 'x']);
    await sql('INSERT INTO memberships (org_id, user_id, role) VALUES (?, ?, ?)', [orgId, userId, role]);
    return userId;
  };

  return {
    db,
    orm,
    sp,
    url,
    fastUrl,
    monitorEvents,
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
      }
      return ids;
    },
    async api(userId, method, path, body) {
      const res = await fetch(url + '/api/v1' + path, {
        method,
        headers: { 'x-test-user': userId, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    },
    get: (path, headers = {}) => fetch(url + path, { headers, redirect: 'manual' }),
    setMonitor(monitorId, status, since) {
      monitorEvents.emit('status', { monitorId, status, since: since ?? new Date((opts.clock ?? { now: Date.now }).now()).toISOString() });
    },
    async close() {
      await new Promise((r) => server.close(r));
      await new Promise((r) => fastServer.close(r));
      await sp.stop();
      await orm.close();
      await db.drop();
    },
  };
}
