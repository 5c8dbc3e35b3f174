/**
 * Alerting on a real database and a real HTTP server, without the rest of PingPage: accounts
 * (to sign up and get org rights), alerting's routers, a fake clock. Monitors, pages, incidents
 * and maintenance windows are written as rows, the way their own services would.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { IncidentStatus } from '../../contracts/vocab.js';
import { createAlerting, type Alerting, type AlertingDeps } from '../alerting/index.js';
import { createAuth } from '../orgs/index.js';
import { loadConfig, withListenPort } from '../config.js';
import { type Orm } from '../db/orm.js';
import { openDatabase } from '../database.js';
import { createApp } from '../http/app.js';
import { createLogger } from '../log.js';
import { FakeClock } from '../scheduler/fake-clock.js';
import { createTestDatabase, type TestDatabase } from './db.js';
import { Incident, IncidentComponent, IncidentPage, IncidentUpdate, Maintenance, MaintenanceComponent, MaintenanceMonitor, MaintenancePage } from '../incidents/entities.js';
import { Monitor } from '../monitors/entities.js';
import { StatusComponent, StatusComponentMonitor, StatusPage } from '../statuspages/entities.js';

export interface AlertingHarness {
  url: string;
  orm: Orm;
  db: TestDatabase;
  clock: FakeClock;
  alerting: Alerting;
  /** Tests read and seed rows with SQL on purpose: `?` placeholders, values bound apart. */
  sql<T = any>(text: string, params?: unknown[]): Promise<T[]>;
  /** A monitor row in `orgId`; answers its id. */
  monitor(orgId: string, name?: string): Promise<string>;
  /** A public status page with components (each showing the given monitors); answers ids. */
  page(orgId: string, slug: string, components: Array<{ name: string; monitorIds?: string[] }>, opts?: { password?: boolean }): Promise<{ id: string; components: string[] }>;
  /** An incident on pages/components with its first update; answers ids. */
  incident(orgId: string, o: { title: string; pageIds: string[]; componentIds: string[]; message: string }): Promise<{ id: string; updateId: string }>;
  incidentUpdate(incidentId: string, status: IncidentStatus, message: string): Promise<string>;
  /** A maintenance window from `startsAt` to `endsAt` (epoch ms) over monitors, components, pages. */
  maintenance(orgId: string, o: { startsAt: number; endsAt: number; monitorIds?: string[]; componentIds?: string[]; pageIds?: string[]; title?: string }): Promise<string>;
  stop(): Promise<void>;
}

export async function startAlertingHarness(
  o: { env?: Record<string, string>; deps?: Partial<Omit<AlertingDeps, 'config' | 'log' | 'orm' | 'requireOrg'>> } = {},
): Promise<AlertingHarness> {
  const db = await createTestDatabase();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pingpage-alerting-'));
  const orm = await openDatabase(db.url, { poolMax: 8 });
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  const config = withListenPort(
    loadConfig({ DATABASE_URL: db.url, PORT: '0', DATA_DIR: dataDir, SESSION_SECRET: 'alerting-test-secret-alerting-test-secret', PINGPAGE_SIGNUP: 'open', PINGPAGE_PRIVATE_TARGETS: 'allow', ...o.env }),
    port,
  );
  const log = createLogger('silent');
  const clock = new FakeClock();
  const auth = createAuth({ config, orm });
  const alerting = createAlerting({ config, log, orm, requireOrg: auth.requireOrg, ...o.deps, tuning: { clock, sweepMs: 0, ...o.deps?.tuning } });
  const app = createApp({
    config,
    log,
    middleware: auth.middleware,
    api: [...auth.routers, ...alerting.routers],
    // Before the JSON body parser and sessions, as main.ts mounts the public pages.
    operations: [alerting.publicRouter],
    readiness: [],
    isStopping: () => false,
  });
  server.on('request', app.callback());
  const sql = async <T = any>(text: string, params: unknown[] = []): Promise<T[]> => {
    // knex reads `undefined` as a missing binding; SQL has NULL for that.
    const res = await orm.em.getKnex().raw(text, params.map((p) => (p === undefined ? null : p)) as never[]);
    return (res as { rows: T[] }).rows;
  };
  const em = () => orm.em.fork();
  const at = (ms: number) => new Date(ms);
  return {
    url: config.PUBLIC_URL,
    orm,
    db,
    clock,
    alerting,
    sql,
    async monitor(orgId, name = 'API') {
      const id = randomUUID();
      // status_since on the fake clock, as the monitors service would set it on a real one.
      await em().insert(Monitor, { id, org: orgId, name, probe: 'http', config: {}, intervalSeconds: 60, timeoutSeconds: 10, retries: 1, statusSince: at(clock.now()) });
      return id;
    },
    async page(orgId, slug, components, opts = {}) {
      const id = randomUUID();
      await em().insert(StatusPage, { id, org: orgId, slug, title: `${slug} status`, passwordHash: opts.password ? '$2b$12$x' : null });
      const ids: string[] = [];
      for (const [i, c] of components.entries()) {
        const cid = randomUUID();
        ids.push(cid);
        await em().insert(StatusComponent, { id: cid, page: id, name: c.name, position: i });
        for (const m of c.monitorIds ?? []) await em().insert(StatusComponentMonitor, { component: cid, monitor: m });
      }
      return { id, components: ids };
    },
    async incident(orgId, i) {
      const id = randomUUID();
      const now = at(clock.now());
      await em().insert(Incident, { id, org: orgId, title: i.title, impact: 'major', status: 'investigating', startedAt: now, updatedAt: now });
      for (const p of i.pageIds) await em().insert(IncidentPage, { incident: id, page: p });
      for (const c of i.componentIds) await em().insert(IncidentComponent, { incident: id, component: c, status: 'major_outage' });
      const updateId = randomUUID();
      await em().insert(IncidentUpdate, { id: updateId, incident: id, status: 'investigating', message: i.message, at: now });
      return { id, updateId };
    },
    async incidentUpdate(incidentId, status, message) {
      const id = randomUUID();
      await em().insert(IncidentUpdate, { id, incident: incidentId, status, message, at: at(clock.now()) });
      await em().nativeUpdate(Incident, { id: incidentId }, { status, resolvedAt: status === 'resolved' ? at(clock.now()) : null });
      return id;
    },
    async maintenance(orgId, w) {
      const id = randomUUID();
      const now = at(clock.now());
      await em().insert(Maintenance, { id, org: orgId, title: w.title ?? 'Database upgrade', startsAt: at(w.startsAt), endsAt: at(w.endsAt), createdAt: now, updatedAt: now });
      if (w.monitorIds?.length) await em().insertMany(MaintenanceMonitor, w.monitorIds.map((monitor) => ({ maintenance: id, monitor })));
      if (w.componentIds?.length) await em().insertMany(MaintenanceComponent, w.componentIds.map((component) => ({ maintenance: id, component })));
      if (w.pageIds?.length) await em().insertMany(MaintenancePage, w.pageIds.map((page) => ({ maintenance: id, page })));
      return id;
    },
    async stop() {
      await alerting.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await orm.close();
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
