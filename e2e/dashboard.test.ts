/**
 * The dashboard in a real browser against a whole PingPage: sign up, create an HTTP monitor
 * through the form rendered from the probe's schema (alerting a local webhook receiver), watch it
 * go up and down live as a local target comes and goes, pause it, give a member a read-only view, create and revoke an API key.
 * Screenshots land in test-artifacts/.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TestApp } from '../server/testing/app.js';
import { httpReceiver, type HttpReceiver } from '../server/testing/receivers.js';
import { DESKTOP, PHONE, screenshot, screenshotFailures, Target, watchErrors } from './browser.js';
import { signUpFirstOwner, signUpMember, startBrowserApp, type Api } from './harness.js';

const LIVE = 30_000; // a 10 s monitor must have checked again well within this

let app: TestApp;
let browser: Browser;
let owner: BrowserContext;
let ownerApi: Api;
let page: Page;
let errors: string[];
const target = new Target();
let hooks: HttpReceiver;
let orgId = '';
let monitorUrl = '';
let channelId = '';

beforeAll(async () => {
  await target.start();
  hooks = await httpReceiver();
  ({ app, browser, owner, api: ownerApi } = await startBrowserApp({ context: { viewport: DESKTOP } }));
  page = await owner.newPage();
  errors = watchErrors(page);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await target.stop();
  await hooks?.close();
});

// A failed step leaves a picture of the page behind, next to the other screenshots.
screenshotFailures('failed-', () => page, 60);

const row = (p: Page, name: string, status?: string) => p.locator(`a.row${status ? '.' + status : ''}`, { hasText: name });

describe('dashboard', () => {
  it('signs the first user up and opens an empty overview', async () => {
    orgId = await signUpFirstOwner(page, app.url);
    await page.getByText('No monitors yet').waitFor();
    await page.getByText('Live', { exact: true }).waitFor();
  });

  it('creates an HTTP monitor through the form generated from the probe schema', async () => {
    // A channel to pick in the form's Alerts section; kept out of the default policy (which the
    // org's first channel would join), so this monitor picks it in settings of its own.
    const channel = await ownerApi('POST', `/orgs/${orgId}/notification-channels`, { name: 'Ops hook', notifier: 'webhook', config: { url: hooks.url }, useForAllMonitors: false });
    expect(channel.status).toBe(201);
    channelId = channel.body.id;
    await page.getByRole('link', { name: 'New monitor' }).first().click();
    await page.waitForURL('**/monitors/new');
    const http = page.getByRole('radio', { name: /HTTP\(S\)/ });
    await http.waitFor({ state: 'attached' });
    expect(await http.isChecked()).toBe(true);
    await page.getByLabel('URL', { exact: true }).fill(target.url);
    await page.getByLabel('Name', { exact: true }).fill('Target API');
    await page.getByLabel('Check every').selectOption('10');
    await page.getByLabel('Retries before down').fill('0');
    await page.getByLabel('Tags').fill('e2e');
    await page.getByLabel('Tags').press('Enter');
    // A field the schema nests: a request header, as a key/value row.
    await page.getByText('More options').click();
    await page.getByRole('button', { name: '+ Add header' }).click();
    await page.getByLabel('Name of header 1').fill('X-Check');
    await page.getByLabel('Value of X-Check').fill('pingpage');
    await page.getByRole('checkbox', { name: /Ops hook/ }).check();
    await page.getByLabel('Remind every (minutes)').fill('30');
    await screenshot(page, 'form');
    const sent = page.waitForRequest((r) => r.url().endsWith(`/orgs/${orgId}/monitors`) && r.method() === 'POST');
    await page.getByRole('button', { name: 'Create monitor' }).click();
    expect((await sent).postDataJSON().alerts).toEqual({ channelIds: [channelId], remindEveryMinutes: 30, onDegraded: false, flapping: { changes: 4, windowMinutes: 30 } });
    await page.waitForURL(/\/monitors\/[0-9a-f-]{36}$/);
    monitorUrl = new URL(page.url()).pathname;
    await page.getByRole('heading', { name: 'Target API' }).waitFor();
  });

  it('checks fields before sending, and shows what the server refuses on the right field', async () => {
    await page.goto(`${app.url}/orgs/${orgId}/monitors/new`);
    await page.getByLabel('URL', { exact: true }).fill('http://127.0.0.1:1/');
    await page.getByLabel('Check every').selectOption('20');
    await page.getByLabel('Timeout (seconds)').fill('30');
    await page.getByRole('button', { name: 'Create monitor' }).click();
    // In the browser: the timeout must be shorter than the interval.
    await expect.poll(() => page.locator('#f-timeoutSeconds').getAttribute('aria-invalid')).toBe('true');
    await page.locator('#f-timeoutSeconds-error', { hasText: 'Must be shorter than the interval' }).waitFor();

    // Only the server knows tags are at most 50 characters: its 400 names `tags.0`.
    await page.getByLabel('Timeout (seconds)').fill('');
    await page.getByLabel('Tags').fill('x'.repeat(60));
    await page.getByLabel('Tags').press('Enter');
    const created = page.waitForResponse((r) => r.url().endsWith(`/orgs/${orgId}/monitors`) && r.request().method() === 'POST');
    await page.getByRole('button', { name: 'Create monitor' }).click();
    expect((await created).status()).toBe(400);
    await page.locator('#f-tags-error').waitFor();
    expect(await page.locator('#f-tags').getAttribute('aria-invalid')).toBe('true');
    await page.locator('#error-summary', { hasText: 'Tags' }).waitFor();
    expect(page.url()).toMatch(/\/monitors\/new$/);
  });

  it('sees the monitor go up live, then down when the target stops, without a reload', async () => {
    await page.goto(`${app.url}/orgs/${orgId}`);
    await page.evaluate('window.marker = 42');
    await row(page, 'Target API', 'up').waitFor({ timeout: LIVE });
    expect(await row(page, 'Target API').textContent()).toContain('100%');
    await screenshot(page, 'overview-up');

    await target.stop();
    await row(page, 'Target API', 'down').waitFor({ timeout: LIVE });
    await expect.poll(() => page.title()).toMatch(/^\(1 down\) /);
    await expect.poll(() => page.locator('link[rel="icon"]').getAttribute('href')).toMatch(/^data:image\/svg\+xml,/);
    await page.getByRole('button', { name: /1\s*Down/ }).waitFor();
    await screenshot(page, 'overview-down');
    // The channel picked in the form hears of it.
    await vi.waitFor(() => expect(hooks.requests.map((r) => r.json().event)).toContain('monitor.down'), { timeout: LIVE });

    await target.start();
    await row(page, 'Target API', 'up').waitFor({ timeout: LIVE });
    await expect.poll(() => page.title()).not.toMatch(/down/);
    expect(await page.evaluate('window.marker')).toBe(42); // the same page all along: no reload
  }, 120_000);

  it('shows the monitor page with chart, history and a check run on demand', async () => {
    await row(page, 'Target API').click();
    await page.waitForURL(`**${monitorUrl}`);
    await page.locator('.u-wrap canvas').first().waitFor();
    await page.getByRole('heading', { name: 'Recent failures' }).waitFor();
    await page.locator('td code', { hasText: 'CONNECTION_REFUSED' }).first().waitFor();
    await page.getByRole('button', { name: 'Run check now' }).click();
    await page.getByRole('heading', { name: /^Check run at/ }).waitFor();
    // The probe's metadata as people read it (the plugin's metadataLabels), not as its keys say it.
    const facts = page.locator('.result .phases');
    expect(await facts.textContent()).toContain('Status code200');
    expect(await facts.textContent()).toContain('Body cut shortno');
    expect(await facts.textContent()).not.toMatch(/bodyBytes|statusCode/);
    await screenshot(page, 'detail');
  });

  it('edits the monitor in the same form, filled with its settings', async () => {
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.waitForURL(`**${monitorUrl}/edit`);
    const url = page.getByLabel('URL', { exact: true });
    await url.waitFor();
    expect(await url.inputValue()).toBe(target.url);
    // Header values are secrets: the browser gets the mask, never the value, and sends it back to keep it.
    expect(await page.getByLabel('Value of X-Check').inputValue()).toBe('********');
    expect(await page.getByRole('checkbox', { name: /Ops hook/ }).isChecked()).toBe(true);
    expect(await page.getByLabel('Remind every (minutes)').inputValue()).toBe('30');
    await page.getByLabel('Name', { exact: true }).fill('Target API v2');
    // Alerts left as they were are not sent again.
    const sent = page.waitForRequest((r) => r.url().endsWith(monitorUrl.replace(/^\/orgs/, '/api/v1/orgs')) && r.method() === 'PATCH');
    await page.getByRole('button', { name: 'Save changes' }).click();
    const patch = (await sent).postDataJSON();
    expect(patch).not.toHaveProperty('alerts');
    expect(patch.config.headers).toEqual({ 'X-Check': '********' });
    await page.waitForURL(`**${monitorUrl}`);
    await page.getByRole('heading', { name: 'Target API v2' }).waitFor();
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Target API');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('heading', { name: 'Target API', exact: true }).waitFor();
  });

  it('pauses the monitor', async () => {
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByRole('button', { name: 'Resume' }).waitFor();
    await page.locator('.status').getByText('Paused').waitFor();
    await page.getByRole('link', { name: 'Monitors', exact: true }).first().click();
    await row(page, 'Target API', 'paused').waitFor();
  });

  it('invites a member who sees the monitor read-only', async () => {
    await page.goto(`${app.url}/orgs/${orgId}/members`);
    const policy = page.getByLabel('Members may create, edit, run and pause monitors');
    await expect.poll(() => policy.isChecked()).toBe(true);
    await policy.uncheck();
    await page.getByText('Members now have read-only monitors').waitFor();
    await page.getByLabel('Email').fill('bob@example.com');
    await page.getByRole('button', { name: 'Invite' }).click();
    const link = (await page.getByTestId('invite-link').textContent())!.trim();
    await page.getByRole('row', { name: /bob@example\.com/ }).waitFor();

    const { context: memberContext, page: member, errors: memberErrors } = await signUpMember(browser, orgId, { name: 'Bob', email: 'bob@example.com', link, context: { viewport: PHONE } });
    await row(member, 'Target API').waitFor();
    expect(await member.getByRole('link', { name: 'New monitor' }).count()).toBe(0);
    expect(await member.getByRole('link', { name: 'API keys' }).count()).toBe(0);
    await screenshot(member, 'overview-member-phone');
    await row(member, 'Target API').click();
    await member.getByRole('heading', { name: 'Target API' }).waitFor();
    await member.getByText('You can look but not change').waitFor();
    expect(await member.getByRole('button', { name: 'Run check now' }).count()).toBe(0);
    expect(await member.getByRole('button', { name: 'Delete' }).count()).toBe(0);
    expect(memberErrors).toEqual([]);
    await memberContext.close();
  }, 60_000);

  it('creates an API key, shows it once, and revokes it', async () => {
    await page.goto(`${app.url}/orgs/${orgId}/api-keys`);
    await page.getByLabel('Name', { exact: true }).fill('CI');
    await page.getByRole('checkbox', { name: /monitors:write/ }).check();
    await page.getByRole('button', { name: 'Create key' }).click();
    await page.getByText("Copy it now: you won't see it again.").waitFor();
    const key = (await page.getByTestId('new-api-key').textContent())!.trim();
    expect(key).toMatch(/^pp_live_/);
    const asKey = () => fetch(`${app.url}/api/v1/orgs/${orgId}/monitors`, { headers: { Authorization: `Bearer ${key}` } });
    expect((await asKey()).status).toBe(200);

    await page.getByRole('row', { name: /CI/ }).getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke key' }).click();
    await page.getByText('No keys yet.').waitFor();
    expect((await asKey()).status).toBe(401);
    expect(errors).toEqual([]);
  });
});
