/**
 * Issue 13, bug 6 in Chromium: the words people read come from one place (contracts/messages.ts).
 * Set-up and sign-up answer an empty or short field with plain words on that field (never the
 * validator's text); the password rule reads the same on every form; a status page titled
 * "Acme status" is never "Acme status status"; a quick incident is "resolved after N s", not
 * "0 min"; and an empty maintenance list says its two sentences apart.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT, PASSWORD as RULE } from '../contracts/messages.js';
import type { TestApp } from '../server/testing/app.js';
import { screenshotFailures, watchErrors } from './browser.js';
import { PASSWORD, startBrowserApp, type Api } from './harness.js';
import { screens, WIDE } from './screens.js';

let app: TestApp;
let browser: Browser;
let owner: BrowserContext;
let api: Api;
let page: Page;
let errors: string[];
let orgId = '';

beforeAll(async () => {
  ({ app, browser, owner, api } = await startBrowserApp({ env: { PINGPAGE_SIGNUP: 'open' }, context: { viewport: WIDE } }));
  page = await owner.newPage();
  errors = watchErrors(page);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

screenshotFailures('words-failed-', () => page, 50);

const RAW = /Too (small|big)|expected (string|number)|Invalid (input|email|option)|[<>]=\d/;
const fieldError = (id: string, p: Page = page) => p.locator(`#${id}-error`);

describe('plain words', () => {
  it('set-up: empty fields are told what to enter, each on its own field', async () => {
    await page.goto(app.url);
    await page.waitForURL('**/setup');
    expect(await page.locator('#setup-password-hint').textContent()).toBe(RULE.hint);
    await page.getByRole('button', { name: 'Create account' }).click();
    await fieldError('setup-name').waitFor();
    expect(await fieldError('setup-name').textContent()).toBe(ACCOUNT.name);
    expect(await fieldError('setup-email').textContent()).toBe(ACCOUNT.email);
    expect(await fieldError('setup-password').textContent()).toBe(RULE.tooShort);
    expect(await page.locator('main, body').first().textContent()).not.toMatch(RAW);
    await screens(page, 'setup-plain-words');
  });

  it('set-up: a short password is refused in the words of the rule, then the account is made', async () => {
    await page.getByLabel('Your name').fill('Ada Lovelace');
    await page.getByLabel('Email').fill('ada@example.com');
    await page.getByLabel('Password').fill('short');
    await page.getByLabel('Organization name').fill('Acme');
    await page.getByRole('button', { name: 'Create account' }).click();
    await expect.poll(() => fieldError('setup-name').count()).toBe(0);
    expect(await fieldError('setup-password').textContent()).toBe(RULE.tooShort);
    expect(await page.locator('body').textContent()).not.toMatch(RAW);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL(/\/orgs\/[0-9a-f-]{36}$/);
    orgId = new URL(page.url()).pathname.split('/')[2]!;
  });

  it('sign-up: a bad address and an empty name get plain words; the hint is the same rule', async () => {
    const visitor = await browser.newPage();
    try {
      await visitor.goto(`${app.url}/sign-up`);
      expect(await visitor.locator('#su-password-hint').textContent()).toBe(RULE.hint);
      await visitor.getByLabel('Email').fill('not an address');
      await visitor.getByLabel('Password').fill(PASSWORD);
      await visitor.getByRole('button', { name: 'Create account' }).click();
      await fieldError('su-email', visitor).waitFor();
      expect(await fieldError('su-email', visitor).textContent()).toBe(ACCOUNT.email);
      expect(await fieldError('su-name', visitor).textContent()).toBe(ACCOUNT.name);
      expect(await fieldError('su-password', visitor).count()).toBe(0);
      expect(await visitor.locator('body').textContent()).not.toMatch(RAW);
    } finally {
      await visitor.close();
    }
  });

  it('the account page says the password rule the same way', async () => {
    await page.goto(`${app.url}/account`);
    expect(await page.locator('#pw-new-hint').textContent()).toContain(RULE.hint);
  });

  it('a page titled "Acme status" is never "Acme status status": form hint, tab, feeds', async () => {
    const created = await api<{ id: string }>('POST', `/orgs/${orgId}/status-pages`, { slug: 'acme', title: 'Acme status' });
    expect(created.status).toBe(201);
    await page.goto(`${app.url}/orgs/${orgId}/status-pages/${created.body.id}`);
    const hint = page.locator('[id$="title-hint"]');
    await hint.waitFor();
    expect(await hint.textContent()).toContain('“Acme status”');
    const visitor = await owner.newPage();
    try {
      await visitor.goto(`${app.url}/status/acme`);
      expect(await visitor.title()).toBe('Acme status');
      const alternates = await visitor.locator('link[rel="alternate"]').evaluateAll((ls) => ls.map((l) => l.getAttribute('title')));
      expect(alternates).toEqual(['Acme status (Atom)', 'Acme status (RSS)', 'Acme status (JSON)']);
    } finally {
      await visitor.close();
    }
    for (const feed of ['feed.atom', 'feed.rss']) {
      const text = await (await fetch(`${app.url}/status/acme/${feed}`)).text();
      expect(text).toContain('<title>Acme status</title>');
      expect(text).not.toContain('status status');
    }
  });

  it('a quick incident is "resolved after N s" on the public page, never "0 min"', async () => {
    const pages = (await api<Array<{ id: string }>>('GET', `/orgs/${orgId}/status-pages`)).body;
    const made = await api<{ id: string }>('POST', `/orgs/${orgId}/incidents`, { title: 'Blip', impact: 'minor', status: 'investigating', message: 'Looking.', statusPageIds: [pages[0]!.id] });
    expect(made.status).toBe(201);
    expect((await api('POST', `/orgs/${orgId}/incidents/${made.body.id}/updates`, { status: 'resolved', message: 'Fine again.' })).status).toBe(200);
    const visitor = await owner.newPage();
    try {
      await visitor.goto(`${app.url}/status/acme`);
      const history = visitor.locator(`#history #h-${made.body.id}`);
      await history.waitFor();
      expect(await history.textContent()).toMatch(/resolved after \d+ s\b/);
      await visitor.goto(`${app.url}/status/acme/incidents/${made.body.id}`);
      expect(await visitor.locator('main').textContent()).toMatch(/Resolved after \d+ s\b/);
      expect(await visitor.locator('main').textContent()).not.toMatch(/\b0 min\b/);
    } finally {
      await visitor.close();
    }
  });

  it('an empty maintenance list says its two sentences apart', async () => {
    await page.goto(`${app.url}/orgs/${orgId}/maintenances`);
    const empty = page.getByRole('region', { name: /Upcoming/ }).locator('.panel-body');
    await empty.waitFor();
    const text = (await empty.innerText()).trim();
    expect(text).toMatch(/^Nothing scheduled\.\s+Schedule a window/);
    expect(text).not.toContain('scheduled.Schedule');
    await screens(page, 'maintenance-empty');
  });

  it('left no errors behind', () => {
    expect(errors).toEqual([]);
  });
});
