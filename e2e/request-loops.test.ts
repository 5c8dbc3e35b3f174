/**
 * Issue 13, bug 1 in Chromium against a whole PingPage: every list page of the dashboard, with
 * some data on it, asks the API for what it shows once and then waits (for the person, or a
 * live event: a check is run during the count). Over 5 s on each page: at most 3 requests per URL and per path, so neither a
 * repeated request nor a pager walking the log by itself passes.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../server/testing/app.js';
import { screenshotFailures, Target, watchErrors } from './browser.js';
import { signUpFirstOwner, startBrowserApp, type Api } from './harness.js';
import { WIDE } from './screens.js';

let app: TestApp;
let browser: Browser;
let owner: BrowserContext;
let api: Api;
let page: Page;
let errors: string[];
let orgId: string;
const ids: Record<string, string> = {};
const target = new Target();

beforeAll(async () => {
  await target.start();
  ({ app, browser, owner, api } = await startBrowserApp({ env: { PINGPAGE_PRIVATE_TARGETS: 'allow' }, context: { viewport: WIDE } }));
  page = await owner.newPage();
  errors = watchErrors(page);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await target.stop();
});

screenshotFailures('request-loops-failed-', () => page, 50);

const WINDOW_MS = 5_000;
const MAX_PER_URL = 3;

/**
 * Opens `path` as a person does, from the page before through the app's own router (a link
 * followed without a reload; afresh when it is open already), runs a check meanwhile, and
 * answers every API request the page made from then on for WINDOW_MS: URL → count.
 */
async function requestsOver(path: string): Promise<Map<string, number>> {
  const seen = new Map<string, number>();
  const count = (r: { url(): string }) => {
    const url = r.url();
    if (url.includes('/api/')) seen.set(url, (seen.get(url) ?? 0) + 1);
  };
  page.on('request', count);
  try {
    if (new URL(page.url()).pathname === path) await page.goto(`${app.url}${path}`);
    else
      await page.evaluate(`(() => {
        const a = document.createElement('a');
        a.href = ${JSON.stringify(path)};
        document.body.append(a);
        a.click();
        a.remove();
      })()`);
    await page.waitForURL(`**${path}`);
    // Something happens meanwhile, as it does on a live dashboard: a check is run and stored.
    await page.waitForTimeout(1_500);
    expect((await api('POST', `/orgs/${orgId}/monitors/${ids.monitor}/check`)).status).toBe(200);
    await page.waitForTimeout(WINDOW_MS - 1_500);
  } finally {
    page.off('request', count);
  }
  return seen;
}

/** The per-URL and per-path counts above the bound, with every URL seen, for the failure message. */
function overBound(seen: Map<string, number>): string[] {
  const byPath = new Map<string, number>();
  for (const [url, n] of seen) {
    const p = new URL(url).pathname;
    byPath.set(p, (byPath.get(p) ?? 0) + n);
  }
  const over = [...seen].filter(([, n]) => n > MAX_PER_URL).map(([u, n]) => `${n}× ${u}`);
  over.push(...[...byPath].filter(([, n]) => n > MAX_PER_URL).map(([p, n]) => `${n}× path ${p}`));
  if (!over.length) return [];
  return [...over, '— all requests seen:', ...[...seen].map(([u, n]) => `${n}× ${u}`)];
}

describe('no request loops', () => {
  it('signs up and gets data on every list page', async () => {
    orgId = await signUpFirstOwner(page, app.url);
    const post = async (path: string, body: unknown) => {
      const res = await api<{ id: string }>('POST', `/orgs/${orgId}${path}`, body);
      if (res.status !== 201) throw new Error(`POST ${path}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.id;
    };
    ids.monitor = await post('/monitors', { name: 'Checkout API', probe: 'http', config: { url: target.url }, intervalSeconds: 60 });
    ids.statusPage = await post('/status-pages', { slug: 'acme', title: 'Acme', components: [{ name: 'Checkout', monitorIds: [ids.monitor] }] });
    ids.incident = await post('/incidents', { title: 'Checkout errors', impact: 'minor', status: 'investigating', message: 'Looking into it.', statusPageIds: [ids.statusPage], components: [] });
    const startsAt = new Date(Date.now() + 86_400_000).toISOString();
    await post('/maintenances', { title: 'Switch swap', startsAt, endsAt: new Date(Date.parse(startsAt) + 3_600_000).toISOString(), monitorIds: [ids.monitor], statusPageIds: [ids.statusPage] });
    await post('/notification-channels', { name: 'Ops', notifier: 'slack', config: { url: 'https://hooks.example/x' } });
    await post('/api-keys', { name: 'Deploy bot', scopes: ['monitors:read'] });
    const invited = await api('POST', `/orgs/${orgId}/members`, { email: 'grace@example.com', role: 'member' });
    expect(invited.status).toBe(201);
    // More than one page of audit log (50 a page), so a pager that walks by itself would find more.
    for (let i = 0; i < 60; i++) {
      expect((await api('PATCH', `/orgs/${orgId}/monitors/${ids.monitor}`, { name: `Checkout API ${i % 2}` })).status).toBe(200);
    }
  });

  const PAGES: Array<[string, () => string]> = [
    ['overview', () => `/orgs/${orgId}`],
    ['monitor detail', () => `/orgs/${orgId}/monitors/${ids.monitor}`],
    ['status pages', () => `/orgs/${orgId}/status-pages`],
    ['status page', () => `/orgs/${orgId}/status-pages/${ids.statusPage}`],
    ['incidents', () => `/orgs/${orgId}/incidents`],
    ['incident', () => `/orgs/${orgId}/incidents/${ids.incident}`],
    ['maintenance', () => `/orgs/${orgId}/maintenances`],
    ['notifications', () => `/orgs/${orgId}/notifications`],
    ['members', () => `/orgs/${orgId}/members`],
    ['API keys', () => `/orgs/${orgId}/api-keys`],
    ['audit log', () => `/orgs/${orgId}/audit-log`],
    ['account', () => '/account'],
  ];

  for (const [name, path] of PAGES) {
    it(`the ${name} page asks each thing at most ${MAX_PER_URL} times in 5 s`, async () => {
      const seen = await requestsOver(path());
      expect(seen.size, 'the page asked the API nothing').toBeGreaterThan(0);
      expect(overBound(seen)).toEqual([]);
    }, 30_000);
  }

  it('the audit log still pages on demand: one request for the next page', async () => {
    await page.goto(`${app.url}/orgs/${orgId}/audit-log`);
    const more = page.getByRole('button', { name: 'Load older events' });
    await more.waitFor();
    const rows = page.locator('tbody tr');
    expect(await rows.count()).toBe(50);
    const asked: string[] = [];
    page.on('request', (r) => void (r.url().includes('/audit-log') && asked.push(r.url())));
    await more.click();
    await page.getByText(/That is everything \(\d+ events\)/).waitFor();
    await page.waitForTimeout(1_000);
    expect(asked).toHaveLength(1);
    expect(asked[0]).toContain('before=');
    expect(await rows.count()).toBeGreaterThan(50);
    expect(errors).toEqual([]);
  });
});
