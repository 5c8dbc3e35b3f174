/**
 * A public status page in a real browser, fed by real monitors checking a local target: a
 * visitor's open page shows its component turn to major outage when the monitor goes down, and an
 * incident update appear, without a reload; with JavaScript off the page is complete.
 *
 * The server is assembled here from the real parts (createApp, createAuth, createMonitoring,
 * createRealtime, createStatusPages) the way main.ts is asked to wire them; once main.ts does,
 * `startStack()` can become `startTestApp()`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuth } from '../server/orgs/index.js';
import { loadConfig, withListenPort } from '../server/config.js';
import { type Orm } from '../server/db/orm.js';
import { openDatabase } from '../server/database.js';
import { createApp } from '../server/http/app.js';
import { createLogger } from '../server/log.js';
import { seedMonitors } from '../server/monitors/fixtures.js';
import { createMonitoring, loadProbes, type Monitoring } from '../server/monitors/index.js';
import { DashboardFeed } from '../server/realtime/feed.js';
import { createRealtime, type Realtime } from '../server/realtime/index.js';
import { createStatusPages, type StatusPages } from '../server/statuspages/index.js';
import { createTestDatabase, type TestDatabase } from '../server/testing/db.js';
import { signUp, type TestClient } from '../server/testing/client.js';
import { launchBrowser, screenshot, Target, watchErrors } from './browser.js';

const root = path.resolve(import.meta.dirname, '..');
const built = mkdtempSync(path.join(os.tmpdir(), 'pp-status-js-'));
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pp-status-e2e-'));
const target = new Target();

let db: TestDatabase;
let orm: Orm;
let server: http.Server;
let base: string;
let monitoring: Monitoring;
let statusPages: StatusPages;
let realtime: Realtime;
let browser: Browser;
let owner: TestClient;
let orgId: string;
let monitorId: string;
let componentId: string;

/** The browser script, built the way the second Vite entry will build it. */
async function buildStatusScript(): Promise<void> {
  const { build } = await import('vite');
  await build({
    configFile: false,
    root: path.join(root, 'client'),
    logLevel: 'warn',
    build: {
      outDir: built,
      emptyOutDir: true,
      target: 'es2022',
      rollupOptions: { input: path.join(root, 'client/src/status/main.ts'), output: { entryFileNames: 'assets/status.js' } },
    },
  });
}

async function startStack(): Promise<void> {
  db = await createTestDatabase();
  orm = await openDatabase(db.url, { poolMax: 8 });
  const log = createLogger('silent');
  server = http.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const config = withListenPort(loadConfig({ DATABASE_URL: db.url, PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent' }), port);
  const auth = createAuth({ config, orm });
  monitoring = createMonitoring({ config, log, orm, requireOrg: auth.requireOrg, probes: await loadProbes({ PINGPAGE_PLUGINS: [] }), tuning: { reconcileMs: 0, retention: false } });
  statusPages = createStatusPages({ config, log, orm, requireOrg: auth.requireOrg, onMonitorStatus: (fn) => monitoring.events.on('monitor:status', fn) });
  const app = createApp({
    config,
    log,
    middleware: auth.middleware,
    operations: [statusPages.publicRouter],
    api: [...auth.routers, ...monitoring.routers, ...statusPages.routers],
    readiness: [],
    isStopping: () => false,
    clientDir: built,
  });
  server.on('request', app.callback());
  realtime = await createRealtime({ server, app, config, log, orm, auth, feed: new DashboardFeed(() => orm.em.fork()), statusFeed: statusPages.hub });
  base = `http://127.0.0.1:${port}`;
}

beforeAll(async () => {
  await Promise.all([buildStatusScript(), target.start()]);
  await startStack();
  ({ client: owner, orgId } = await signUp(base, 'owner@example.com', { orgName: 'Acme' }));
  [monitorId] = await seedMonitors(orm, orgId, [{ probe: 'http', config: { url: target.url }, intervalSeconds: 1, timeoutSeconds: 1, retries: 0 }]);
  const res = await owner.post(`/orgs/${orgId}/status-pages`, {
    slug: 'acme',
    title: 'Acme',
    description: 'Live status of Acme services',
    components: [{ name: 'Public API', group: 'Core', monitorIds: [monitorId] }, { name: 'Support desk' }],
  });
  expect(res.status).toBe(201);
  componentId = res.body.components[0].id;
  await statusPages.start();
  const up = new Promise<void>((resolve) => {
    const off = monitoring.events.on('monitor:status', (e) => e.monitorId === monitorId && e.status === 'up' && (off(), resolve()));
  });
  await monitoring.start();
  await up;
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await realtime?.close();
  await new Promise((r) => server?.close(r));
  await statusPages?.stop();
  await monitoring?.stop();
  await orm?.close();
  await db?.drop();
  await target.stop();
  rmSync(built, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

const pill = (page: Page, status: string) => page.locator(`#c-${componentId} .pill[data-status="${status}"]`);

describe('a visitor’s open status page', () => {
  let page: Page;
  let errors: string[];
  const cspViolations: string[] = [];

  beforeAll(async () => {
    page = await (await browser.newContext({ viewport: { width: 1100, height: 900 } })).newPage();
    errors = watchErrors(page);
    page.on('console', (m) => /Content Security Policy/i.test(m.text()) && cspViolations.push(m.text()));
    await page.goto(`${base}/status/acme`);
    await page.locator('#live.on').waitFor({ timeout: 10_000 });
  });

  it('shows the component as operational and goes live', async () => {
    await pill(page, 'operational').waitFor();
    expect(await page.locator('#overall-text').textContent()).toBe('All systems operational');
  });

  it('shows the component turn to major outage within 2 s of its monitor going down, without reload', async () => {
    const down = new Promise<void>((resolve) => {
      const off = monitoring.events.on('monitor:status', (e) => e.monitorId === monitorId && e.status === 'down' && (off(), resolve()));
    });
    await target.stop();
    await down;
    await pill(page, 'major_outage').waitFor({ timeout: 2_000 });
    expect(await page.locator('#overall-text').textContent()).toBe('Major system outage');
    await screenshot(page, 'statuspage-outage');
  });

  it('shows an incident and its update within 1 s of posting, without reload', async () => {
    const created = await owner.post(`/orgs/${orgId}/incidents`, {
      title: 'Public API unreachable',
      impact: 'critical',
      message: 'We are **investigating** connection failures.',
      components: [{ componentId, status: 'major_outage' }],
    });
    expect(created.status).toBe(201);
    await page.locator(`#i-${created.body.id}`).waitFor({ timeout: 1_000 });
    const posted = await owner.post(`/orgs/${orgId}/incidents/${created.body.id}/updates`, { status: 'identified', message: 'A failed disk; replacing it. See [notes](https://example.com/notes).' });
    expect(posted.status).toBe(200);
    await page.getByText('A failed disk; replacing it.').waitFor({ timeout: 1_000 });
    expect(await page.locator(`#i-${created.body.id} .timeline > li`).count()).toBe(2);
    expect(await page.locator(`#i-${created.body.id} a[href="https://example.com/notes"]`).count()).toBe(1);
    // An open incident is current, never past.
    const history = page.locator(`#history #h-${created.body.id}`);
    expect(await history.count()).toBe(0);
    expect(await page.locator('#history-empty').isVisible()).toBe(true);
    await screenshot(page, 'statuspage-incident');
  });

  it('moves the incident to "Past incidents" the moment it is resolved, leaving a green resolved note on top, without reload', async () => {
    const id = (await owner.get<Array<{ id: string }>>(`/orgs/${orgId}/incidents`)).body[0]!.id;
    expect((await owner.post(`/orgs/${orgId}/incidents/${id}/updates`, { status: 'resolved', message: 'Replaced.' })).status).toBe(200);
    const history = page.locator(`#history #h-${id}`);
    await history.locator('.pill', { hasText: 'Resolved' }).waitFor({ timeout: 1_000 });
    expect(await history.textContent()).toMatch(/resolved after/);
    expect(await page.locator('#history li').count()).toBe(1);
    expect(await page.locator('#history-empty').isHidden()).toBe(true);
    // Not current any more: "Current incidents" is gone.
    expect(await page.locator(`#i-${id}`).count()).toBe(0);
    expect(await page.locator('#incidents').isHidden()).toBe(true);
    // The note on top: green like the resolved pill, no red (critical) border.
    const note = page.locator(`#resolved #r-${id}`);
    await note.waitFor({ timeout: 1_000 });
    expect(await note.textContent()).toMatch(/^Resolved Public API unreachable resolved .+, after \d+ (s|min)$/);
    expect(await note.getAttribute('class')).toBe('note resolved');
    // The note's left border, the resolved pill's green and a critical card's red, as the browser computes them.
    const colours = (await page.evaluate(`(() => {
      const border = getComputedStyle(document.getElementById('r-${id}')).borderLeftColor;
      const probe = document.createElement('span');
      document.body.append(probe);
      probe.className = 'pill i-resolved';
      const green = getComputedStyle(probe).color;
      probe.className = 'card impact-critical';
      const red = getComputedStyle(probe).borderLeftColor;
      probe.remove();
      return { border, green, red };
    })()`)) as { border: string; green: string; red: string };
    expect(colours.border).toBe(colours.green);
    expect(colours.border).not.toBe(colours.red);
    expect(await note.getByRole('link', { name: 'Public API unreachable' }).getAttribute('href')).toBe(`/status/acme/incidents/${id}`);
    await screenshot(page, 'statuspage-resolved');
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'statuspage-resolved-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('threw nothing and broke no CSP rule', () => {
    expect(errors).toEqual([]);
    expect(cspViolations).toEqual([]);
  });
});

describe('without JavaScript', () => {
  it('renders the whole page: components, statuses, incidents and uptime bars', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    const res = await page.goto(`${base}/status/acme`);
    expect(res!.status()).toBe(200);
    expect(await page.locator('h1').textContent()).toBe('Acme');
    expect(await page.locator('.comp-name').allTextContents()).toEqual(['Public API', 'Support desk']);
    expect(await pill(page, 'major_outage').textContent()).toBe('Major outage');
    // Resolved: a note on top and an entry in the history; its updates are on its own page.
    await page.locator('#resolved .note.resolved', { hasText: 'Public API unreachable' }).waitFor();
    await page.locator('#history li', { hasText: 'Public API unreachable' }).waitFor();
    expect(await page.locator('#incidents').isHidden()).toBe(true);
    expect(await page.locator('ol.bars').first().locator('li').count()).toBe(90);
    expect(await page.locator('#live').isHidden()).toBe(true);
    await screenshot(page, 'statuspage-nojs');
    await context.close();
  });
});
