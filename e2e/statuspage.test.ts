/**
 * A public status page in a real browser, fed by real monitors checking a local target: a
 * visitor's open page shows its component turn to major outage when the monitor goes down, and an
 * incident update appear, without a reload; with JavaScript off the page is complete.
 *
 * The app is the one main.ts wires (startBrowserApp), serving the built client: the browser gets
 * the page from the status pages' fast path and the script from the production build.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedMonitors } from '../server/monitors/fixtures.js';
import { monitorsById } from '../server/monitors/store.js';
import type { TestApp } from '../server/testing/app.js';
import { signUp, type TestClient } from '../server/testing/client.js';
import { screenshot, Target, watchErrors } from './browser.js';
import { startBrowserApp } from './harness.js';

const target = new Target();

let app: TestApp;
let base: string;
let browser: Browser;
/** The visitor's context (nobody signs in there). */
let visitor: BrowserContext;
let owner: TestClient;
let orgId: string;
let monitorId: string;
let componentId: string;

/** Resolves when the monitor reports `status`. */
const reported = (status: string) =>
  new Promise<void>((resolve) => {
    const off = app.bus.on('monitor:status', (e) => e.monitorId === monitorId && e.status === status && (off(), resolve()));
  });

beforeAll(async () => {
  await target.start();
  ({ app, browser, owner: visitor } = await startBrowserApp({ start: { monitoring: { retention: false } }, context: { viewport: { width: 1100, height: 900 } } }));
  base = app.url;
  ({ client: owner, orgId } = await signUp(base, 'owner@example.com', { orgName: 'Acme' }));
  // A row, not the API: a 1-s interval is below the API's minimum. Then handed to the running engine.
  [monitorId] = await seedMonitors(app.orm, orgId, [{ probe: 'http', config: { url: target.url }, intervalSeconds: 1, timeoutSeconds: 1, retries: 0 }]);
  const res = await owner.post(`/orgs/${orgId}/status-pages`, {
    slug: 'acme',
    title: 'Acme',
    description: 'Live status of Acme services',
    components: [{ name: 'Public API', group: 'Core', monitorIds: [monitorId] }, { name: 'Support desk' }],
  });
  expect(res.status).toBe(201);
  componentId = res.body.components[0].id;
  const up = reported('up');
  for (const m of await monitorsById(app.orm.em.fork(), [monitorId!])) app.monitoring.engine.upsert(m, { checkNow: true });
  await up;
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await target.stop();
});

const pill = (page: Page, status: string) => page.locator(`#c-${componentId} .pill[data-status="${status}"]`);

describe('a visitor’s open status page', () => {
  let page: Page;
  let errors: string[];
  const cspViolations: string[] = [];

  beforeAll(async () => {
    page = await visitor.newPage();
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
    const down = reported('down');
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
