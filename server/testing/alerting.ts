/**
 * Alerting in a whole PingPage (startTestApp, wired by main.ts) with alerting's test knobs: a fake
 * clock, no sweep timer, no outbox worker of its own (tests drain it). Monitors, pages, incidents
 * and maintenance windows are written as rows, the way their own services would; monitoring never
 * checks those monitors (re-reading the monitors table is off).
 */
import { randomUUID } from 'node:crypto';
import type { Alerting, AlertingTuning } from '../alerting/index.js';
import type { Orm } from '../db/orm.js';
import { textArray } from '../db/sql.js';
import { FakeClock } from '../scheduler/fake-clock.js';
import { startTestApp, type TestApp } from './app.js';
import type { TestDatabase } from './db.js';
import { rows } from '../db/sql.js';

export interface AlertingHarness {
  app: TestApp;
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

export async function startAlertingHarness(o: { env?: Record<string, string>; tuning?: AlertingTuning } = {}): Promise<AlertingHarness> {
  // Starting at the real time: maintenance windows written on this clock are the ones the app's
  // schedule (on the real clock, like monitoring following it) has in force.
  const clock = new FakeClock(Date.now());
  const app: TestApp = await startTestApp(
    { SESSION_SECRET: 'alerting-test-secret-alerting-test-secret', PINGPAGE_SIGNUP: 'open', PINGPAGE_PRIVATE_TARGETS: 'allow', ...o.env },
    {
      // pollMs 0: the outbox is delivered when a test drains it, never behind its back.
      alerting: { clock, sweepMs: 0, ...o.tuning, worker: { pollMs: 0, ...o.tuning?.worker } },
      monitoring: { reconcileMs: 0, retention: false },
    },
  );
  const { orm, db } = app;
  const sql = <T = any>(text: string, params: unknown[] = []) => rows<T>(orm.em.fork(), text, params);
  const at = (ms: number) => new Date(ms);
  return {
    app,
    url: app.url,
    orm,
    db,
    clock,
    alerting: app.alerting,
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
      await app.statusPages.maintenance.reload(); // as the maintenance routes do after a write
      return id;
    },
    stop: () => app.stop(),
  };
}
