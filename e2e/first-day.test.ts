/**
 * Issue 13's acceptance journey in Chromium against a whole PingPage, done the way a newcomer does
 * it: set up, a monitor of every built-in type through the form, a channel, a status page, an
 * incident, a maintenance window, an invitation and an API key. On every screen it passes, the
 * page must settle (no request loops), print no console errors, show no raw validator text, and
 * leave screenshots at 1440 px and 390 px in light and dark (under /tmp/pingpage-shots).
 */
import https from 'node:https';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeLeaf } from '../plugins/testing/certs.js';
import { startDnsServer, type DnsServer } from '../plugins/testing/dns-server.js';
import { listen, type Running } from '../plugins/testing/servers.js';
import type { TestApp } from '../server/testing/app.js';
import { httpReceiver, type HttpReceiver } from '../server/testing/receivers.js';
import { screenshotFailures, Target } from './browser.js';
import { signUpFirstOwner, signUpMember, startBrowserApp, type Api } from './harness.js';
import { NARROW, screens, WIDE } from './screens.js';

let app: TestApp;
let browser: Browser;
let owner: BrowserContext;
let api: Api;
let page: Page;
let orgId: string;
let dns: DnsServer;
let tls: Running;
let hooks: HttpReceiver;
const web = new Target();

/** Everything the browser printed as an error, and every uncaught exception. */
const consoleErrors: string[] = [];
/** Every request the page made, with the time it was made. */
const requests: Array<{ at: number; url: string }> = [];

beforeAll(async () => {
  await web.start();
  dns = await startDnsServer({ 'api.acme.test': [{ type: 'A', name: 'api.acme.test', ttl: 60, data: '127.0.0.1' }] });
  const leaf = makeLeaf({ hosts: ['127.0.0.1'], validDays: 90 });
  tls = await listen(https.createServer({ key: leaf.key, cert: leaf.cert }, (_req, res) => res.end('ok')));
  hooks = await httpReceiver();
  ({ app, browser, owner, api } = await startBrowserApp({
    env: { PINGPAGE_PRIVATE_TARGETS: 'allow' },
    context: { viewport: WIDE, timezoneId: 'Europe/Berlin', locale: 'en-GB' },
  }));
  page = await owner.newPage();
  page.on('pageerror', (e) => consoleErrors.push(`uncaught: ${e.message}`));
  page.on('console', (m) => {
    // The browser's own network log of an answer the app expects (401 from /auth/me while signed
    // out, 400 when the server refuses a form) is not the app's error; a 5xx or anything else is.
    if (m.type() !== 'error' || /^Failed to load resource: the server responded with a status of 4\d\d/.test(m.text())) return;
    consoleErrors.push(`${m.text()} (${m.location().url})`);
  });
  page.on('request', (r: Request) => void requests.push({ at: Date.now(), url: r.url() }));
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await web.stop();
  dns?.close();
  await tls?.close();
  await hooks?.close();
});

screenshotFailures('first-day-failed-', () => page, 50);

/** What a person must never read: the validator's own words, or a program's. */
const RAW = [/expected (string|number|boolean|object|array)/i, /Too (small|big)/, /Invalid input/i, /\bundefined\b/, /\bNaN\b/, /\[object Object\]/, /must match pattern/i];

/**
 * The checks every screen of the journey passes: waits `settle` ms for the page to go quiet, then
 * counts the requests it makes over the next 5 s (a page that only listens asks nothing; a live
 * poll may ask once a second at most, and never the same paged URL twice), reads the page's text
 * for raw validator words, expects no console errors so far, and takes the four screenshots.
 * The text and the screenshots are taken during those 5 s: they ask the server nothing, and a
 * request they caused would be counted too.
 */
async function screen(name: string, settle = 1500): Promise<void> {
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(settle);
  const from = Date.now();
  const text = await page.locator('body').innerText();
  await screens(page, `first-day-${name}`);
  await page.waitForTimeout(Math.max(0, from + 5000 - Date.now()));
  // Exactly 5 s, however long the screenshots took.
  const seen = requests.filter((r) => r.at >= from && r.at < from + 5000).map((r) => r.url);
  const perUrl = new Map<string, number>();
  for (const url of seen) perUrl.set(url, (perUrl.get(url) ?? 0) + 1);
  const repeated = [...perUrl].filter(([, n]) => n > 5);
  expect.soft(repeated, `${name}: requests repeated over 5 s`).toEqual([]);
  expect.soft(seen.length, `${name}: ${seen.length} requests in 5 s: ${seen.join(', ')}`).toBeLessThanOrEqual(6);
  for (const raw of RAW) expect.soft(text, `${name}: raw text ${raw} on screen`).not.toMatch(raw);
  expect.soft(consoleErrors, `${name}: console errors`).toEqual([]);
  consoleErrors.length = 0; // each screen answers for its own
}

const nav = (name: string) => page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name, exact: true });
const probeChoice = (name: RegExp) => page.getByRole('radio', { name });

async function newMonitor(kind: RegExp, fill: () => Promise<void>, name: string): Promise<void> {
  await nav('Monitors').click();
  await page.waitForURL(`**/orgs/${orgId}`);
  await page.getByRole('link', { name: 'New monitor' }).first().click();
  await page.waitForURL('**/monitors/new');
  await probeChoice(kind).check();
  await page.getByLabel('Name', { exact: true }).fill(name);
  await fill();
  await page.getByRole('button', { name: 'Create monitor' }).click();
  await page.waitForURL(/\/monitors\/[0-9a-f-]{36}$/);
  await page.getByRole('heading', { name, level: 1 }).waitFor();
  // Checked at once on creation: the first check is on the page without waiting an interval.
  await page.locator('.page-head .status', { hasText: /^\s*Up\b/ }).waitFor({ timeout: 15_000 });
}

// Soft checks: one run lists every screen's faults, not only the first.
describe('a team’s first day', { timeout: 120_000 }, () => {
  it('sets up the instance', async () => {
    await page.goto(app.url);
    await page.waitForURL('**/setup');
    await page.getByRole('button', { name: 'Create account' }).click(); // nothing filled in: plain words, per field
    await screen('setup-empty');
    orgId = await signUpFirstOwner(page, app.url);
    await screen('overview-empty');
  });

  it('adds a monitor of each built-in type through the form', async () => {
    await newMonitor(/HTTP/, async () => {
      await page.getByLabel('URL', { exact: true }).fill(web.url);
    }, 'Website');
    await screen('monitor-http');
    await newMonitor(/TCP/, async () => {
      await page.getByLabel('Host name or IP address').fill('127.0.0.1');
      await page.locator('#f-config_2eport').fill(String(web.port));
    }, 'Web port');
    await newMonitor(/TLS/, async () => {
      await page.getByLabel('Host name or IP address').fill('127.0.0.1');
      await page.locator('#f-config_2eport').fill(String(tls.port));
      await page.getByLabel(/self.signed/i).check();
    }, 'Certificate');
    await screen('monitor-tls');
    await newMonitor(/DNS/, async () => {
      await page.getByLabel('Domain name').fill('api.acme.test');
      const server = page.getByLabel(/^DNS server/);
      if (!(await server.isVisible())) await page.getByText('More options').click();
      await server.fill(dns.address);
    }, 'API name');
    await screen('monitor-dns');
    await nav('Monitors').click();
    await page.waitForURL(`**/orgs/${orgId}`);
    for (const name of ['Website', 'Web port', 'API name', 'Certificate']) await page.locator('a.row', { hasText: name }).waitFor();
    await screen('overview');
  });

  it('adds a webhook channel that alerts for every monitor', async () => {
    await nav('Alerts').click();
    await page.waitForURL(`**/orgs/${orgId}/notifications`);
    await screen('alerts-empty');
    await page.getByRole('link', { name: 'New channel' }).first().click();
    await page.waitForURL('**/notifications/new');
    await page.getByRole('radio', { name: /Webhook/ }).check();
    await page.getByLabel('Name', { exact: true }).fill('Ops hook');
    await page.getByLabel('URL that receives the JSON POST').fill(`${hooks.url}/hooks/pingpage`);
    await screen('channel-new');
    await page.getByRole('button', { name: 'Create channel' }).click();
    await page.waitForURL(/\/notifications\/[0-9a-f-]{36}$/);
    await screen('channel');
    await nav('Alerts').click();
    await page.getByRole('link', { name: 'Ops hook', exact: true }).waitFor();
    // The organization's first channel alerts for every monitor without anyone finding the policy.
    expect(await page.getByRole('region', { name: 'Default alert policy' }).getByRole('checkbox', { name: /Ops hook/ }).isChecked()).toBe(true);
    await screen('alerts');
  });

  it('makes a status page of the monitors and watches it as a visitor', async () => {
    await nav('Status pages').click();
    await page.waitForURL('**/status-pages');
    await screen('status-pages-empty');
    await page.getByRole('link', { name: 'New status page' }).first().click();
    await page.waitForURL('**/status-pages/new');
    await page.getByLabel('Title').fill('Acme');
    await page.getByRole('button', { name: 'Add group' }).click();
    await page.getByLabel('Group name').fill('Public services');
    const group = page.getByRole('group', { name: 'Group Public services' });
    await group.getByLabel('Name', { exact: true }).fill('Website');
    await group.getByRole('checkbox', { name: 'Website' }).check();
    await group.getByRole('checkbox', { name: 'Certificate' }).check();
    await screen('status-page-new');
    await page.getByRole('button', { name: 'Create status page' }).click();
    await page.waitForURL(/\/status-pages\/[0-9a-f-]{36}$/);
    await screen('status-page');

    const visitor = await browser.newContext({ viewport: WIDE, timezoneId: 'America/New_York' });
    try {
      const publicPage = await visitor.newPage();
      const visitorErrors: string[] = [];
      publicPage.on('pageerror', (e) => visitorErrors.push(e.message));
      publicPage.on('console', (m) => void (m.type() === 'error' && visitorErrors.push(`${m.text()} (${m.location().url})`)));
      await publicPage.goto(`${app.url}/status/acme`);
      await publicPage.getByRole('heading', { name: 'Acme', level: 1 }).waitFor();
      await publicPage.getByText('Website').first().waitFor();
      await publicPage.waitForTimeout(1500);
      const text = await publicPage.locator('body').innerText();
      for (const raw of RAW) expect.soft(text, `public page: raw text ${raw}`).not.toMatch(raw);
      expect.soft(visitorErrors, 'public page: console errors').toEqual([]);
      await screens(publicPage, 'first-day-public-page');
    } finally {
      await visitor.close();
    }
  });

  it('declares an incident on the page, posts an update and resolves it', async () => {
    await nav('Incidents').click();
    await page.waitForURL('**/incidents');
    await screen('incidents-empty');
    await page.getByRole('link', { name: 'Declare incident' }).first().click();
    await page.waitForURL('**/incidents/new');
    await page.getByLabel('Title').fill('Slow website');
    await page.getByRole('group', { name: 'Impact' }).getByRole('radio', { name: /^Minor/ }).check();
    await page.getByLabel('First update').fill('Pages take **seconds** to load; we are looking into it.');
    await page.getByRole('checkbox', { name: 'Website' }).check();
    await page.getByLabel('Status of Website').selectOption('degraded_performance');
    await screen('incident-new');
    await page.getByRole('button', { name: 'Declare incident' }).click();
    await page.waitForURL(/\/incidents\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { name: 'Slow website' }).waitFor();
    await screen('incident');
    await page.getByRole('button', { name: 'Resolve' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Final update').fill('A cache was cold; pages are fast again.');
    await dialog.getByRole('button', { name: 'Resolve incident' }).click();
    await page.getByText('Resolved', { exact: true }).first().waitFor();
    await nav('Incidents').click();
    await page.waitForURL('**/incidents');
    await page.getByText('Slow website').first().waitFor();
    await screen('incidents');
  });

  it('schedules a maintenance window', async () => {
    await nav('Maintenance').click();
    await page.waitForURL('**/maintenances');
    await screen('maintenance-empty');
    await page.getByRole('link', { name: 'Schedule maintenance' }).first().click();
    await page.waitForURL('**/maintenances/new');
    await page.getByLabel('Title').fill('Database upgrade');
    await page.getByLabel('Description').fill('The API may answer slowly for a few minutes.');
    await page.getByRole('checkbox', { name: /Website/ }).first().check();
    const day = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel('Starts').fill(`${day}T10:00`);
    await page.getByRole('button', { name: '2 h', exact: true }).click();
    await screen('maintenance-new');
    await page.getByRole('button', { name: 'Schedule maintenance' }).click();
    await page.waitForURL('**/maintenances');
    await page.getByText('Database upgrade').first().waitFor();
    await screen('maintenance');
  });

  it('invites a teammate, who joins', async () => {
    await nav('Members').click();
    await page.waitForURL('**/members');
    await page.getByLabel('Email').fill('grace@example.com');
    await page.getByRole('button', { name: 'Invite' }).click();
    const link = (await page.getByTestId('invite-link').textContent())!.trim();
    await page.getByRole('row', { name: /grace@example\.com/ }).waitFor();
    await screen('members');
    const joined = await signUpMember(browser, orgId, { name: 'Grace Hopper', email: 'grace@example.com', link, context: { viewport: WIDE } });
    try {
      await joined.page.locator('a.row', { hasText: 'Website' }).waitFor();
      expect.soft(joined.errors, 'member: errors').toEqual([]);
      await screens(joined.page, 'first-day-member-overview');
    } finally {
      await joined.context.close();
    }
  });

  it('creates an API key and learns how to use it', async () => {
    await nav('API keys').click();
    await page.waitForURL('**/api-keys');
    await screen('api-keys-empty');
    await page.getByLabel('Name', { exact: true }).fill('CI');
    await page.getByRole('checkbox', { name: /monitors:read/ }).check();
    await page.getByRole('button', { name: 'Create key' }).click();
    const key = (await page.getByTestId('new-api-key').textContent())!.trim();
    expect(key).toMatch(/^pp_live_/);
    await screen('api-key-shown');
    const res = await fetch(`${app.url}/api/v1/orgs/${orgId}/monitors`, { headers: { Authorization: `Bearer ${key}` } });
    expect(res.status).toBe(200);
  });

  it('reads the audit log and the account page', async () => {
    await nav('Audit log').click();
    await page.waitForURL('**/audit-log');
    await page.getByText('Ops hook').first().waitFor();
    await screen('audit-log');
    // On a phone each event stays readable: who did it is on screen, not squeezed a letter a line.
    await page.setViewportSize(NARROW);
    const invited = page.locator('tr', { hasText: 'Invited' });
    const by = invited.getByText('ada@example.com', { exact: true });
    await by.waitFor();
    const box = (await by.boundingBox())!;
    expect(box.height, 'the email on one line').toBeLessThan(30);
    expect(box.x + box.width).toBeLessThanOrEqual(NARROW.width);
    await screens(page, 'first-day-audit-log-phone');
    await page.setViewportSize(WIDE);
    await page.goto(`${app.url}/account`);
    await page.getByRole('heading', { name: 'Account', level: 1 }).waitFor();
    await screen('account');
    expect((await api('GET', '/auth/me')).status).toBe(200);
  });
});
