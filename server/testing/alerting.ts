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
import { createAlerting, type Alerting, type AlertingDeps } from '../alerting/index.js';
import { createAuth } from '../orgs/index.js';
import { loadConfig, withListenPort } from '../config.js';
import { type Orm } from '../db/orm.js';
import { openDatabase } from '../database.js';
import { textArray } from '../db/sql.js';
import { createApp } from '../http/app.js';
import { createLogger } from '../log.js';
import { FakeClock } from '../scheduler/fake-clock.js';
import { createTestDatabase, type TestDatabase } from './db.js';
import { rows } from '../db/sql.js';

export interface AlertingHarness {
  url: string;
  orm: Orm;
  db: TestDatabase;
  clock: FakeClock;
  alerting: Alerting;
  sql<T = any>(text: string, params?: unknown[]): Promise<T[]>;
  /** A monitor row in `orgId`; answers its id. */
  monitor(orgId: string, name?: string): Promise<string>;
  /** A public status page with components (each showing the given monitors); answers ids. */
  page(orgId: string, slug: string, components: Array<{ name: string; monitorIds?: string[] }>, opts?: { password?: boolean }): Promise<{ id: string; components: string[] }>;
  /** An incident on pages/components with its first update; answers ids. */
  incident(orgId: string, o: { title: string; pageIds: string[]; componentIds: string[]; message: string }): Promise<{ id: string; updateId: string }>;
  incidentUpdate(incidentId: string, status: string, message: string): Promise<string>;
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
  const sql = <T = any>(text: string, params: unknown[] = []) => rows<T>(orm.em.fork(), text, params);
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
      await sql(
        `INSERT INTO monitors (id, org_id, name, probe, config, interval_seconds, timeout_seconds, retries, status_since) VALUES (?, ?, ?, 'http', '{}', 60, 10, 1, ?)`,
        [id, orgId, name, at(clock.now())],
      );
      return id;
    },
    async page(orgId, slug, components, opts = {}) {
      const id = randomUUID();
      await sql('INSERT INTO status_pages (id, org_id, slug, title, password_hash) VALUES (?, ?, ?, ?, ?)', [id, orgId, slug, `${slug} status`, opts.password ? '$2b$12$x' : null]);
      const ids: string[] = [];
      for (const [i, c] of components.entries()) {
        const cid = randomUUID();
        ids.push(cid);
        await sql('INSERT INTO status_components (id, page_id, name, position) VALUES (?, ?, ?, ?)', [cid, id, c.name, i]);
        for (const m of c.monitorIds ?? []) await sql('INSERT INTO status_component_monitors (component_id, monitor_id) VALUES (?, ?)', [cid, m]);
      }
      return { id, components: ids };
    },
    async incident(orgId, i) {
      const id = randomUUID();
      const now = at(clock.now());
      await sql(`INSERT INTO incidents (id, org_id, title, impact, status, started_at, updated_at) VALUES (?, ?, ?, 'major', 'investigating', ?, ?)`, [id, orgId, i.title, now, now]);
      for (const p of i.pageIds) await sql('INSERT INTO incident_pages (incident_id, page_id) VALUES (?, ?)', [id, p]);
      for (const c of i.componentIds) await sql(`INSERT INTO incident_components (incident_id, component_id, status) VALUES (?, ?, 'major_outage')`, [id, c]);
      const updateId = randomUUID();
      await sql(`INSERT INTO incident_updates (id, incident_id, status, message, at) VALUES (?, ?, 'investigating', ?, ?)`, [updateId, id, i.message, now]);
      return { id, updateId };
    },
    async incidentUpdate(incidentId, status, message) {
      const id = randomUUID();
      await sql('INSERT INTO incident_updates (id, incident_id, status, message, at) VALUES (?, ?, ?, ?, ?)', [id, incidentId, status, message, at(clock.now())]);
      await sql('UPDATE incidents SET status = ?, resolved_at = ? WHERE id = ?', [status, status === 'resolved' ? at(clock.now()) : null, incidentId]);
      return id;
    },
    async maintenance(orgId, w) {
      const id = randomUUID();
      await sql('INSERT INTO maintenances (id, org_id, title, starts_at, ends_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)', [
        id,
        orgId,
        w.title ?? 'Database upgrade',
        at(w.startsAt),
        at(w.endsAt),
        at(clock.now()),
        at(clock.now()),
      ]);
      if (w.monitorIds?.length) await sql('INSERT INTO maintenance_monitors (maintenance_id, monitor_id) SELECT ?, unnest(?::uuid[])', [id, textArray(w.monitorIds)]);
      if (w.componentIds?.length) await sql('INSERT INTO maintenance_components (maintenance_id, component_id) SELECT ?, unnest(?::uuid[])', [id, textArray(w.componentIds)]);
      if (w.pageIds?.length) await sql('INSERT INTO maintenance_pages (maintenance_id, page_id) SELECT ?, unnest(?::uuid[])', [id, textArray(w.pageIds)]);
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
