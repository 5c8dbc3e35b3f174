/**
 * Alerting in a whole PingPage (startTestApp, wired by main.ts) with alerting's test knobs: a fake
 * clock, no sweep timer, no outbox worker of its own (tests drain it). Monitors, pages, incidents
 * and maintenance windows are written as rows, the way their own services would; monitoring never
 * checks those monitors (re-reading the monitors table is off).
 */
import { randomUUID } from 'node:crypto';
import type { IncidentStatus } from '../../contracts/vocab.js';
import type { Alerting, AlertingTuning } from '../alerting/index.js';
import { type Orm } from '../db/orm.js';
import { FakeClock } from '../scheduler/fake-clock.js';
import { startTestApp, type TestApp } from './app.js';
import type { TestDatabase } from './db.js';
import { Incident, IncidentComponent, IncidentPage, IncidentUpdate, Maintenance, MaintenanceComponent, MaintenanceMonitor, MaintenancePage } from '../incidents/entities.js';
import { Monitor } from '../monitors/entities.js';
import { StatusComponent, StatusComponentMonitor, StatusPage } from '../statuspages/entities.js';

export interface AlertingHarness {
  app: TestApp;
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
  const sql = async <T = any>(text: string, params: unknown[] = []): Promise<T[]> => {
    // knex reads `undefined` as a missing binding; SQL has NULL for that.
    const res = await orm.em.getKnex().raw(text, params.map((p) => (p === undefined ? null : p)) as never[]);
    return (res as { rows: T[] }).rows;
  };
  const em = () => orm.em.fork();
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
      await app.statusPages.maintenance.reload(); // as the maintenance routes do after a write
      return id;
    },
    stop: () => app.stop(),
  };
}
