/**
 * The status pages screens in a real browser against a whole PingPage: an owner creates a page
 * whose grouped component is backed by a monitor (made through the API), finds it listed and
 * public, renames and reorders it with the keyboard, a member sees it read-only on a phone, and
 * the owner deletes it. Screenshots (light, dark, phone) land in test-artifacts/status-pages-*.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../server/testing/app.js';
import { DESKTOP, PHONE, screenshot, screenshotFailures, Target, watchErrors } from './browser.js';
import { inviteLink, signUpFirstOwner, signUpMember, startBrowserApp, type Api } from './harness.js';

const LIVE = 30_000; // a 10 s monitor has checked well within this

let app: TestApp;
let browser: Browser;
let owner: BrowserContext;
/** The owner's API, through the browser context (cookie and CSRF origin). */
let ownerApi: Api;
let page: Page;
let errors: string[];
const target = new Target();
let orgId = '';
let monitorId = '';
let pageId = '';

beforeAll(async () => {
  await target.start();
  ({ app, browser, owner, api: ownerApi } = await startBrowserApp({ context: { viewport: DESKTOP } }));
  page = await owner.newPage();
  errors = watchErrors(page);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await target.stop();
});

screenshotFailures('status-pages-failed-', () => page, 50);

const row = (p: Page, title: string) => p.getByRole('list', { name: 'Status pages' }).getByRole('listitem').filter({ hasText: title });

describe('status pages admin', () => {
  it('signs up, creates a monitor through the API, and shows an empty list with a call to action', async () => {
    orgId = await signUpFirstOwner(page, app.url);

    const monitor = await ownerApi('POST', `/orgs/${orgId}/monitors`, { name: 'Checkout API', probe: 'http', config: { url: target.url }, intervalSeconds: 10 });
    expect(monitor.status).toBe(201);
    monitorId = monitor.body.id;

    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Status pages' }).click();
    await page.waitForURL('**/status-pages');
    await page.getByRole('heading', { name: 'No status pages yet' }).waitFor();
    await screenshot(page, 'status-pages-empty');
    await page.getByRole('link', { name: 'New status page' }).click();
    await page.waitForURL('**/status-pages/new');
  });

  it('creates a page with a grouped component backed by the monitor, showing server errors on the right field', async () => {
    await page.getByLabel('Title').fill('Acme Cloud');
    expect(await page.getByLabel('Address').inputValue()).toBe('acme-cloud'); // follows the title until edited
    await page.getByLabel('Description').fill('Live status of the Acme services.');

    await page.getByRole('button', { name: 'Add group' }).click();
    await expect.poll(() => page.evaluate("document.activeElement?.id ?? ''")).toMatch(/^sp-groups-/); // focus on the new group's name
    await page.getByLabel('Group name').fill('Core services');
    const group = page.getByRole('group', { name: 'Group Core services' });
    await group.getByLabel('Name', { exact: true }).fill('Checkout');
    await group.getByRole('checkbox', { name: 'Checkout API' }).check();
    await group.getByLabel('Show average response time').check();

    await page.getByRole('button', { name: 'Add component', exact: true }).click();
    const support = page.locator('li.comp').nth(1);
    await support.getByLabel('Name', { exact: true }).fill('Support desk');
    await support.getByRole('radio', { name: 'Set by hand' }).check();
    await support.getByLabel('Status', { exact: true }).selectOption('degraded_performance');

    await page.getByRole('button', { name: 'Add link' }).click();
    await page.getByLabel('Label of link 1').fill('Help center');
    await page.getByLabel('URL of link 1').fill('https://help.example.com');

    // A slug only the server refuses (reserved): its message lands under the Address field.
    await page.getByLabel('Address').fill('api');
    const refused = page.waitForResponse((r) => r.url().endsWith(`/orgs/${orgId}/status-pages`) && r.request().method() === 'POST');
    await page.getByRole('button', { name: 'Create status page' }).click();
    expect((await refused).status()).toBe(400);
    await page.locator('#sp-slug-error', { hasText: 'This slug is reserved' }).waitFor();
    expect(await page.getByLabel('Address').getAttribute('aria-invalid')).toBe('true');
    await page.locator('#sp-error-summary', { hasText: 'Address' }).waitFor();
    await screenshot(page, 'status-pages-form-error');

    await page.getByLabel('Address').fill('acme-cloud');
    await screenshot(page, 'status-pages-form');
    const sent = page.waitForRequest((r) => r.url().endsWith(`/orgs/${orgId}/status-pages`) && r.method() === 'POST');
    await page.getByRole('button', { name: 'Create status page' }).click();
    expect((await sent).postDataJSON()).toMatchObject({
      slug: 'acme-cloud',
      title: 'Acme Cloud',
      footerLinks: [{ label: 'Help center', url: 'https://help.example.com' }],
      components: [
        { name: 'Checkout', group: 'Core services', monitorIds: [monitorId], showLatency: true },
        { name: 'Support desk', group: null, monitorIds: [], status: 'degraded_performance' },
      ],
    });
    await page.waitForURL(/\/status-pages\/[0-9a-f-]{36}$/);
    pageId = new URL(page.url()).pathname.split('/').pop()!;
    await page.getByRole('heading', { name: 'Acme Cloud', level: 1 }).waitFor();
    await page.getByText('Acme Cloud created').waitFor();
  });

  it('lists the page with its public link, component count and what visitors see', async () => {
    await page.getByRole('link', { name: 'Status pages', exact: true }).first().click();
    await page.waitForURL('**/status-pages');
    const r = row(page, 'Acme Cloud');
    await r.getByRole('link', { name: /\/status\/acme-cloud/ }).waitFor();
    await r.getByText('2 components, 1 group').waitFor();
    // The manual "degraded" component sets the page's overall line once the monitor is up.
    await r.getByText('Degraded performance').waitFor({ timeout: LIVE });
    await screenshot(page, 'status-pages-list');
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'status-pages-list-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('opens the public page in a new tab and finds the component in its group', async () => {
    const [pub] = await Promise.all([owner.waitForEvent('page'), row(page, 'Acme Cloud').getByRole('link', { name: /\/status\/acme-cloud/ }).click()]);
    await pub.waitForLoadState();
    expect(new URL(pub.url()).pathname).toBe('/status/acme-cloud');
    const group = pub.locator('.group', { has: pub.getByRole('heading', { name: 'Core services' }) });
    await group.locator('.comp-name', { hasText: 'Checkout' }).waitFor();
    await pub.locator('.comp-name', { hasText: 'Support desk' }).waitFor();
    await pub.getByRole('link', { name: 'Help center' }).waitFor();
    await screenshot(pub, 'status-pages-public');
    await pub.close();
  });

  it('renames and reorders with the keyboard, then saves only what changed', async () => {
    await row(page, 'Acme Cloud').getByRole('link', { name: 'Acme Cloud' }).click();
    await page.waitForURL(`**/status-pages/${pageId}`);
    await page.getByRole('button', { name: 'Checkout', exact: true }).click();
    expect(await page.getByRole('button', { name: 'Checkout', exact: true }).getAttribute('aria-expanded')).toBe('true');
    await page.getByLabel('Name', { exact: true }).fill('Checkout and payments');

    // The group goes below "Support desk": Enter on the focused button, twice is once too many (it is then last).
    const down = page.getByRole('button', { name: 'Move group Core services down' });
    await down.focus();
    await page.keyboard.press('Enter');
    await page.getByText('Group Core services moved to position 2 of 2').waitFor({ state: 'attached' });
    expect(await page.evaluate("document.activeElement?.getAttribute('aria-label')")).toBe('Move group Core services up');
    // Support desk is first now: it cannot move further up.
    expect(await page.getByRole('button', { name: 'Move Support desk up' }).isDisabled()).toBe(true);
    await screenshot(page, 'status-pages-edit');
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'status-pages-edit-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize(PHONE);
    await screenshot(page, 'status-pages-edit-phone');
    await page.setViewportSize(DESKTOP);

    const sent = page.waitForRequest((r) => r.url().endsWith(`/status-pages/${pageId}`) && r.method() === 'PATCH');
    await page.getByRole('button', { name: 'Save changes' }).click();
    expect(Object.keys((await sent).postDataJSON())).toEqual(['components']);
    await page.getByText('Changes saved').waitFor();

    const saved = await ownerApi('GET', `/orgs/${orgId}/status-pages/${pageId}`);
    expect(saved.body.components.map((c: { name: string; group: string | null }) => [c.name, c.group])).toEqual([
      ['Support desk', null],
      ['Checkout and payments', 'Core services'],
    ]);
    const pub = (await (await fetch(`${app.url}/api/v1/public/status-pages/acme-cloud`)).json()) as { components: Array<{ name: string }> };
    expect(pub.components.map((c) => c.name)).toEqual(['Support desk', 'Checkout and payments']);
  });

  it('sets a password and removes it again; the server’s refusals land on the password and the footer link', async () => {
    await page.getByLabel('Ask visitors for a password').check();
    await expect.poll(() => page.evaluate("document.activeElement?.id ?? ''")).toBe('sp-password');
    await page.locator('#sp-password').fill('short');
    await page.getByLabel('URL of link 1').fill('javascript:alert(1)');
    const refused = page.waitForResponse((r) => r.url().endsWith(`/status-pages/${pageId}`) && r.request().method() === 'PATCH');
    await page.getByRole('button', { name: 'Save changes' }).click();
    expect((await refused).status()).toBe(400);
    await page.locator('#sp-password-error', { hasText: 'Use at least 8 characters' }).waitFor();
    const url = page.getByLabel('URL of link 1');
    expect(await url.getAttribute('aria-invalid')).toBe('true');
    await page.locator(`#${await url.getAttribute('aria-describedby')}`, { hasText: 'Use an http, https or mailto URL' }).waitFor();
    await page.locator('#sp-error-summary', { hasText: 'Footer link 1 › URL' }).waitFor();

    await url.fill('https://help.example.com');
    await page.locator('#sp-password').fill('hunter2-is-long-enough');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Visitors need a password to see this page').waitFor();
    expect((await fetch(`${app.url}/status/acme-cloud`)).status).toBe(401);
    await screenshot(page, 'status-pages-password');

    await page.getByRole('button', { name: 'Remove password' }).click();
    await page.getByText('The password is removed when you save').waitFor();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByLabel('Ask visitors for a password').waitFor();
    expect((await fetch(`${app.url}/status/acme-cloud`)).status).toBe(200);
  });

  it('shows a member the list and the page read-only, at phone width', async () => {
    const link = await inviteLink(ownerApi, orgId, 'bob@example.com');
    const { context: memberContext, page: member, errors: memberErrors } = await signUpMember(browser, orgId, { name: 'Bob', email: 'bob@example.com', link, context: { viewport: PHONE } });

    await member.goto(`${app.url}/orgs/${orgId}/status-pages`);
    await row(member, 'Acme Cloud').waitFor();
    await member.getByText('You can look but not change').waitFor();
    expect(await member.getByRole('link', { name: 'New status page' }).count()).toBe(0);
    await screenshot(member, 'status-pages-member-list-phone');

    await row(member, 'Acme Cloud').getByRole('link', { name: 'Acme Cloud' }).click();
    await member.getByRole('heading', { name: 'Components' }).waitFor();
    await member.getByRole('region', { name: /^Components/ }).getByText('Checkout and payments').waitFor();
    await member.getByRole('link', { name: 'Checkout API' }).waitFor();
    // Nothing that edits the page; the badge chooser of "Links and badges" only picks a snippet.
    expect(await member.locator('main :is(input, textarea, select):not([aria-labelledby="sp-links-h"] *)').count()).toBe(0);
    expect(await member.getByRole('region', { name: 'Links and badges' }).locator('select').count()).toBe(2);
    expect(await member.getByRole('button', { name: /Save|Delete/ }).count()).toBe(0);
    await screenshot(member, 'status-pages-member-detail-phone');
    await member.emulateMedia({ colorScheme: 'dark' });
    await screenshot(member, 'status-pages-member-detail-phone-dark');

    await member.goto(`${app.url}/orgs/${orgId}/status-pages/new`);
    await member.getByRole('heading', { name: 'Owners and admins only' }).waitFor();
    expect(memberErrors).toEqual([]);
    await memberContext.close();
  }, 60_000);

  it('deletes the page after a confirmation', async () => {
    await page.getByRole('button', { name: 'Delete status page' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('/status/acme-cloud').waitFor();
    await screenshot(page, 'status-pages-delete-confirm');
    await dialog.getByRole('button', { name: 'Delete status page' }).click();
    await page.waitForURL('**/status-pages');
    await page.getByRole('heading', { name: 'No status pages yet' }).waitFor();
    expect((await fetch(`${app.url}/status/acme-cloud`)).status).toBe(404);
    expect(errors).toEqual([]);
  });
});
