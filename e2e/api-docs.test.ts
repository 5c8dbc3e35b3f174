/**
 * Issue 13, rough edge 5 in Chromium: the API keys screen says how to use a key (base URL from
 * PUBLIC_URL, the org id, a curl line with the key just made, a placeholder afterwards) and links
 * the API reference at /api/docs, a page of our own that lists every route of the served OpenAPI
 * document, searchable, offline, under the dashboard's security headers, light and dark.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DASHBOARD_CSP } from '../server/http/security.js';
import type { TestApp } from '../server/testing/app.js';
import { screenshotFailures } from './browser.js';
import { signUpFirstOwner, startBrowserApp } from './harness.js';
import { screens, WIDE } from './screens.js';

const run = promisify(execFile);

let app: TestApp;
let browser: Browser;
let page: Page;
let orgId: string;
/** Console errors, uncaught exceptions and requests that left the server, whatever the page. */
const problems: string[] = [];

beforeAll(async () => {
  let owner;
  ({ app, browser, owner } = await startBrowserApp({ context: { viewport: WIDE } }));
  page = await owner.newPage();
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => void (m.type() === 'error' && problems.push(`console: ${m.text()}`)));
  page.on('request', (r) => void (!r.url().startsWith(app.url) && !r.url().startsWith('data:') && problems.push(`request elsewhere: ${r.url()}`)));
  orgId = await signUpFirstOwner(page, app.url);
  problems.length = 0; // before signing up, the dashboard's "who am I?" is a 401 by design
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

screenshotFailures('api-docs-failed-', () => page, 50);

const usage = () => page.getByTestId('api-usage');
const curlLine = async () => (await page.getByTestId('api-curl').textContent())!.trim();

describe('the API keys screen', () => {
  it('shows the base URL, the org id and a curl line: the new key in it while shown, a placeholder after', async () => {
    await page.goto(`${app.url}/orgs/${orgId}/api-keys`);
    await usage().waitFor();
    const base = `${app.config.PUBLIC_URL.replace(/\/$/, '')}/api/v1`;
    expect(await page.getByTestId('api-base-url').textContent()).toBe(base);
    expect(await page.getByTestId('api-org-id').textContent()).toBe(orgId);
    expect(await curlLine()).toBe(`curl -H "Authorization: Bearer pp_live_YOUR_KEY" ${base}/orgs/${orgId}/monitors`);

    await page.getByLabel('Name', { exact: true }).fill('Deploy check');
    await page.getByRole('button', { name: 'Create key' }).click();
    const key = (await page.getByTestId('new-api-key').textContent())!.trim();
    expect(key).toMatch(/^pp_live_/);
    const line = await curlLine();
    expect(line).toBe(`curl -H "Authorization: Bearer ${key}" ${base}/orgs/${orgId}/monitors`);
    // The line works as printed: run by a shell, the server answers the org's monitors.
    const { stdout } = await run('sh', ['-c', `${line} --silent --show-error --fail`]);
    expect(Array.isArray(JSON.parse(stdout))).toBe(true);
    await screens(page, 'api-keys-usage');

    await page.getByRole('button', { name: 'I have stored it' }).click();
    expect(await curlLine()).toContain('Bearer pp_live_YOUR_KEY');
    expect(await usage().textContent()).not.toContain(key);
    expect(problems).toEqual([]);
  });

  it('links the API reference, which lists every route of the OpenAPI document, searchable, with its fields and scopes', async () => {
    await page.goto(`${app.url}/orgs/${orgId}/api-keys`);
    await usage().getByRole('link', { name: 'API reference' }).click();
    await page.waitForURL(`${app.url}/api/docs`);
    const doc = (await (await fetch(`${app.url}/api/v1/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const operations = Object.values(doc.paths).reduce((n, item) => n + Object.keys(item).length, 0);
    const routes = page.locator('li.route');
    await routes.first().waitFor();
    expect(await routes.count()).toBe(operations);
    await expect.poll(() => page.title()).toBe('PingPage API reference');

    const search = page.getByLabel('Search routes');
    await search.fill('POST monitors');
    await expect.poll(() => routes.count()).toBeLessThan(operations);
    const paths = await page.locator('li.route code.path').allTextContents();
    expect(paths.length).toBeGreaterThan(0);
    expect(paths).toContain('/orgs/{org}/monitors');
    expect((await page.locator('li.route .method').allTextContents()).every((m) => m === 'POST')).toBe(true);

    const create = page.locator('li.route', { has: page.locator('code.path', { hasText: /^\/orgs\/\{org\}\/monitors$/ }) });
    await create.locator('summary').click();
    const fields = create.getByRole('table');
    await fields.waitFor();
    const text = await fields.textContent();
    for (const name of ['org', 'name', 'probe', 'intervalSeconds']) expect(text).toContain(name);
    expect(text).toContain('integer 10–86400');
    expect(await create.textContent()).toContain('monitors:write, org:admin');
    await screens(page, 'api-docs-search');

    await search.fill('no-such-route-anywhere');
    await page.getByText('No route matches').waitFor();
    await search.fill('');
    await expect.poll(() => routes.count()).toBe(operations);
    await screens(page, 'api-docs');

    // A link to one route opens it (a new document: from this one, only the fragment would change).
    await page.goto('about:blank');
    await page.goto(`${app.url}/api/docs#postOrgsByOrgMonitors`);
    await page.locator('#postOrgsByOrgMonitors table').waitFor();
    expect(await page.locator('details[open]').count()).toBe(1);
    expect(problems).toEqual([]);
  });

  it('is served with the dashboard\'s security headers, and without JavaScript points to the document', async () => {
    const res = await fetch(`${app.url}/api/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toBe(DASHBOARD_CSP);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    const html = await res.text();
    expect(html).toContain('<title>PingPage API reference</title>');
    expect(html).toContain('href="/api/v1/openapi.json"');
    // Other paths under /api stay the API's: JSON errors, not a page.
    const missing = await fetch(`${app.url}/api/nothing`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).not.toContain('text/html');
  });
});
