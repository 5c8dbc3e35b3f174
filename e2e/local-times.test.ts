/**
 * Issue 13, rough edge 6 in Chromium set to Berlin time and British English: the check result
 * panel labels a TLS check's facts as the plugin names them (no "Sans", no "Fingerprint256"),
 * its dates read in Berlin time; the audit log labels its details and shows their dates in
 * Berlin time; the public status page, rendered in UTC by the server, reads in Berlin time too.
 * Every such date says its UTC time on hover.
 */
import tls from 'node:tls';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeLeaf } from '../plugins/testing/certs.js';
import { listen, type Running } from '../plugins/testing/servers.js';
import type { TestApp } from '../server/testing/app.js';
import { screenshotFailures, watchErrors } from './browser.js';
import { signUpFirstOwner, startBrowserApp, type Api } from './harness.js';
import { screens, WIDE } from './screens.js';

const ZONE = 'Europe/Berlin';
const LOCALE = 'en-GB';

let app: TestApp;
let browser: Browser;
let owner: BrowserContext;
let api: Api;
let page: Page;
let errors: string[];
let orgId = '';
let server: Running;

/** An instant as the browser should show it: Berlin time, British English. */
const berlin = (iso: string) => new Intl.DateTimeFormat(LOCALE, { dateStyle: 'medium', timeStyle: 'short', timeZone: ZONE }).format(new Date(iso));
/** "29 Nov 2026, 14:05 UTC", as the hover says it. */
const utc = (iso: string) => {
  const d = new Date(iso);
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCDate()} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()}, ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} UTC`;
};

beforeAll(async () => {
  const leaf = makeLeaf({ hosts: ['localhost', '127.0.0.1'], validDays: 90 });
  server = await listen(tls.createServer({ key: leaf.key, cert: leaf.cert }, (s) => s.end()));
  ({ app, browser, owner, api } = await startBrowserApp({
    env: { PINGPAGE_PRIVATE_TARGETS: 'allow' },
    context: { viewport: WIDE, timezoneId: ZONE, locale: LOCALE },
  }));
  page = await owner.newPage();
  errors = watchErrors(page);
  orgId = await signUpFirstOwner(page, app.url);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await server?.close();
});

screenshotFailures('local-times-failed-', () => page, 50);

describe('labels and local times', () => {
  it('the check result panel labels a TLS check by the plugin and shows its dates in Berlin time, UTC on hover', async () => {
    const made = await api<{ id: string }>('POST', `/orgs/${orgId}/monitors`, { name: 'Cert', probe: 'tls', config: { host: '127.0.0.1', port: server.port, allowSelfSigned: true }, intervalSeconds: 3600 });
    expect(made.status).toBe(201);
    await page.goto(`${app.url}/orgs/${orgId}/monitors/${made.body.id}`);
    await page.getByRole('button', { name: 'Run check now' }).click();
    const panel = page.getByRole('region', { name: /^Check run at/ });
    await panel.waitFor();
    const labels = (await panel.locator('dt').allTextContents()).map((t) => t.trim());
    expect(labels).toEqual(expect.arrayContaining(['Names covered', 'Valid until']));
    for (const raw of ['Sans', 'Fingerprint256', 'Valid to', 'Chain valid']) expect(labels).not.toContain(raw);
    const until = panel.locator('dt', { hasText: 'Valid until' }).locator('xpath=following-sibling::dd[1]').locator('time');
    const iso = (await until.getAttribute('datetime'))!;
    expect(iso).toMatch(/Z$/);
    expect((await until.textContent())!.trim()).toBe(berlin(iso));
    expect(await until.getAttribute('title')).toBe(utc(iso));
    expect(await panel.textContent()).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
    await screens(page, 'check-result-labelled');
  });

  it('the audit log labels its details and shows their dates in Berlin time, UTC on hover', async () => {
    // Summer time: Berlin is UTC+2 then.
    const startsAt = new Date(Date.UTC(new Date().getUTCFullYear() + 1, 6, 1, 14, 5)).toISOString();
    const endsAt = new Date(Date.UTC(new Date().getUTCFullYear() + 1, 6, 1, 16, 30)).toISOString();
    expect((await api('POST', `/orgs/${orgId}/maintenances`, { title: 'Switch swap', startsAt, endsAt })).status).toBe(201);
    await page.goto(`${app.url}/orgs/${orgId}/audit-log`);
    const row = page.locator('tbody tr', { hasText: 'Maintenance created' });
    await row.waitFor();
    const details = row.locator('td.details');
    const text = (await details.textContent())!;
    expect(text).not.toMatch(/endsAt|startsAt|\d{4}-\d{2}-\d{2}T/);
    expect(text).toContain('Starts at:');
    expect(text).toContain('Ends at:');
    const starts = details.locator(`time[datetime="${startsAt}"]`);
    expect((await starts.textContent())!.trim()).toBe(berlin(startsAt));
    expect(berlin(startsAt)).toContain('16:05');
    expect(await starts.getAttribute('title')).toBe(utc(startsAt));
    expect(utc(startsAt)).toMatch(/^1 Jul \d{4}, 14:05 UTC$/);
    const ends = details.locator(`time[datetime="${endsAt}"]`);
    expect((await ends.textContent())!.trim()).toContain('18:30');
    expect(await ends.getAttribute('title')).toBe(utc(endsAt));
    // The "when" column: how long ago, with the local and the UTC time on hover.
    const when = row.locator('td.when time');
    expect(await when.getAttribute('title')).toMatch(/ · \d{1,2} \w{3} \d{4}, \d{2}:\d{2} UTC$/);
    await screens(page, 'audit-log-labelled');
  });

  it('the public status page reads in Berlin time, UTC on hover, on the page and an incident', async () => {
    const sp = await api<{ id: string }>('POST', `/orgs/${orgId}/status-pages`, { slug: 'acme', title: 'Acme' });
    expect(sp.status).toBe(201);
    const inc = await api<{ id: string }>('POST', `/orgs/${orgId}/incidents`, { title: 'Slow', impact: 'minor', status: 'investigating', message: 'Looking.', statusPageIds: [sp.body.id] });
    expect(inc.status).toBe(201);
    const visitor = await owner.newPage();
    try {
      for (const path of ['/status/acme', `/status/acme/incidents/${inc.body.id}`]) {
        await visitor.goto(`${app.url}${path}`);
        const times = visitor.locator('main time[datetime*="T"], footer time[datetime*="T"]');
        await expect.poll(() => times.first().getAttribute('title')).toMatch(/UTC$/);
        const all = await times.evaluateAll((ts: any[]) => ts.map((t) => ({ iso: t.dateTime, text: t.textContent.trim(), title: t.title })));
        expect(all.length, path).toBeGreaterThan(0);
        for (const t of all) expect(t, path).toEqual({ iso: t.iso, text: berlin(t.iso), title: utc(t.iso) });
      }
    } finally {
      await visitor.close();
    }
  });

  it('left no errors behind', () => {
    expect(errors).toEqual([]);
  });
});
