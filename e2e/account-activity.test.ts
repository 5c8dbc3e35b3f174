/**
 * Account → Security activity in a real browser: a failed sign-in against the owner's account
 * shows there with its address, a password change made on the page appears at once, and the
 * organization's audit log shows neither (hole 2 of issue 12).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../server/testing/app.js';
import { DESKTOP, screenshotFailures, watchErrors } from './browser.js';
import { PASSWORD, signUpFirstOwner, startBrowserApp } from './harness.js';

let app: TestApp;
let browser: Browser;
let page: Page;
let errors: string[];
let orgId = '';

beforeAll(async () => {
  let owner;
  ({ app, browser, owner } = await startBrowserApp({ context: { viewport: DESKTOP } }));
  page = await owner.newPage();
  page.setDefaultTimeout(15_000);
  errors = watchErrors(page);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

screenshotFailures('failed-account-', () => page, 60);

const activity = () => page.getByRole('region', { name: 'Security activity' });

describe('Account → Security activity', () => {
  it("lists a failed sign-in against the owner's account with its address", async () => {
    orgId = await signUpFirstOwner(page, app.url);
    const refused = await fetch(`${app.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'ada@example.com', password: 'not her password' }),
    });
    expect(refused.status).toBe(401);
    await page.goto(`${app.url}/account`);
    const first = activity().locator('tbody tr').first();
    await first.getByText('Failed sign-in').waitFor();
    await expect(first.textContent()).resolves.toMatch(/127\.0\.0\.1.*Wrong password/);
  });

  it('shows a password change made on the page at once, above the failed sign-in', async () => {
    await page.getByLabel('Current password').fill(PASSWORD);
    await page.getByLabel('New password', { exact: true }).fill('another good passphrase');
    await page.getByLabel('New password again').fill('another good passphrase');
    await page.getByRole('button', { name: 'Change password' }).click();
    await activity().locator('tbody tr').first().getByText('Password changed').waitFor();
    const events = await activity().locator('tbody tr td:nth-child(2)').allTextContents();
    expect(events.map((e) => e.trim())).toEqual(['Password changed', 'Failed sign-in']);
    await activity().getByText('That is everything (2 events).').waitFor();
  });

  it("keeps the owner's account events out of the organization's audit log", async () => {
    await page.goto(`${app.url}/orgs/${orgId}/audit-log`);
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    await page.locator('table.data tbody tr').first().waitFor();
    const events = (await page.locator('table.data tbody tr td:nth-child(2)').allTextContents()).map((e) => e.trim());
    expect(events).toContain('Joined');
    expect(events.filter((e) => /sign|password/i.test(e))).toEqual([]);
    expect(errors).toEqual([]);
  });
});
