/**
 * Issue 13, rough edge 8 in Chromium against a whole PingPage (self-monitoring on, as in the
 * product): the overview of a new organization offers three first steps, each ticked from the
 * org's data (live when a monitor arrives, on return otherwise), gone once all are done without
 * ever flashing for a team that has everything, hidden for good when dismissed, and never shown
 * (nor asked for) to a member.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../server/testing/app.js';
import { screenshotFailures, Target, watchErrors } from './browser.js';
import { inviteLink, signInPage, signUpFirstOwner, signUpMember, startBrowserApp, type Api } from './harness.js';
import { NARROW, screens, WIDE } from './screens.js';

let app: TestApp;
let browser: Browser;
let owner: BrowserContext;
let api: Api;
let page: Page;
let errors: string[];
let orgId: string;
const target = new Target();

beforeAll(async () => {
  await target.start();
  ({ app, browser, owner, api } = await startBrowserApp({ env: { PINGPAGE_SELF_MONITOR: 'true', PINGPAGE_PRIVATE_TARGETS: 'allow' }, context: { viewport: WIDE } }));
  page = await owner.newPage();
  errors = watchErrors(page);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await target.stop();
});

screenshotFailures('first-steps-failed-', () => page, 50);

const tour = (p: Page = page) => p.getByRole('region', { name: 'First steps' });
const step = (title: string, p: Page = page) => tour(p).getByRole('listitem').filter({ hasText: title });
const STEPS = ['Add a monitor', 'Add a notification channel', 'Make a status page'];
const doneFlags = (p: Page = page) => tour(p).getByRole('listitem').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-done')));
const overviewReady = (p: Page) => p.waitForSelector('html[data-overview="ready"]', { state: 'attached' });
/** Counts the page's requests for the tour's steps from now on. */
function countStepRequests(p: Page): () => number {
  let n = 0;
  p.on('request', (r) => void (r.url().endsWith('/first-steps') && n++));
  return () => n;
}
/** From now on (this document, or every document of a context when `init`), whether the tour ever appeared. */
const WATCH_TOUR = `(() => {
  window.__tourSeen = false;
  const look = () => { if (document.getElementById('tour-h')) window.__tourSeen = true; };
  new MutationObserver(look).observe(document, { childList: true, subtree: true });
  look();
})()`;
async function backToMonitors(p: Page = page) {
  await p.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Monitors' }).click();
  await p.waitForURL(`**/orgs/${orgId}`);
  await overviewReady(p);
}

describe('the first steps', () => {
  it('a fresh organization sees three open steps; PingPage’s own monitor is not its first', async () => {
    orgId = await signUpFirstOwner(page, app.url);
    await page.locator('a.row', { hasText: 'PingPage' }).waitFor(); // the self-monitor, made by PingPage
    await tour().waitFor();
    expect(await tour().getByRole('listitem').locator('.title').allTextContents()).toEqual(STEPS);
    expect(await doneFlags()).toEqual(['false', 'false', 'false']);
    await tour().getByText('0 of 3 done').waitFor();
    const hrefs = await tour().getByRole('link').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(hrefs).toEqual([`/orgs/${orgId}/monitors/new`, `/orgs/${orgId}/notifications/new`, `/orgs/${orgId}/status-pages/new`]);
    await screens(page, 'first-steps-fresh');
  });

  it('ticks the monitor step live when a monitor is added, without a reload', async () => {
    await page.evaluate('window.__sameDocument = true');
    expect((await api('POST', `/orgs/${orgId}/monitors`, { name: 'Checkout API', probe: 'http', config: { url: target.url }, intervalSeconds: 60 })).status).toBe(201);
    await page.locator('a.row', { hasText: 'Checkout API' }).waitFor();
    await expect.poll(() => doneFlags()).toEqual(['true', 'false', 'false']);
    await tour().getByText('1 of 3 done').waitFor();
    await step('Add a monitor').getByText('Done', { exact: true }).waitFor();
    expect(await page.evaluate('window.__sameDocument')).toBe(true);
  });

  it('ticks the channel step on return from the channel screen', async () => {
    await step('Add a notification channel').getByRole('link', { name: 'New channel' }).click();
    await page.waitForURL(`**/orgs/${orgId}/notifications/new`);
    await page.getByRole('heading', { name: 'New channel', level: 1 }).waitFor();
    expect((await api('POST', `/orgs/${orgId}/notification-channels`, { name: 'Ops', notifier: 'slack', config: { url: 'https://hooks.example/x' } })).status).toBe(201);
    await backToMonitors();
    expect(await doneFlags()).toEqual(['true', 'true', 'false']);
    await tour().getByText('2 of 3 done').waitFor();
    await screens(page, 'first-steps-two-done');
  });

  it('once the status page is made too, the tour is gone on return and never appears on the way', async () => {
    await step('Make a status page').getByRole('link', { name: 'New status page' }).click();
    await page.waitForURL(`**/orgs/${orgId}/status-pages/new`);
    await page.getByLabel('Title').fill('Acme');
    await page.getByRole('button', { name: 'Create status page' }).click();
    await page.waitForURL(/\/status-pages\/[0-9a-f-]{36}$/);
    await page.evaluate(WATCH_TOUR);
    await backToMonitors();
    await page.locator('a.row', { hasText: 'Checkout API' }).waitFor();
    expect(await page.evaluate('window.__tourSeen')).toBe(false);
    expect(await page.evaluate(`localStorage.getItem('pingpage.firstSteps.${orgId}')`)).toBe('done');
    // Remembered: a reload asks nothing and shows nothing.
    const asked = countStepRequests(page);
    await page.reload();
    await overviewReady(page);
    expect(await tour().count()).toBe(0);
    expect(asked()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('a team that has everything never sees it flash, even in a browser that never saw it', async () => {
    const context = await browser.newContext({ viewport: WIDE });
    try {
      await context.addInitScript(WATCH_TOUR);
      const fresh = await context.newPage();
      const asked = countStepRequests(fresh);
      await signInPage(fresh, app.url, 'ada@example.com', orgId);
      await overviewReady(fresh);
      await fresh.locator('a.row', { hasText: 'Checkout API' }).waitFor();
      expect(asked()).toBe(1); // it asked once, learned all is done, and drew nothing
      expect(await fresh.evaluate('window.__tourSeen')).toBe(false);
    } finally {
      await context.close();
    }
  });

  it('can be hidden, and stays hidden', async () => {
    const beta = await api('POST', '/orgs', { name: 'Beta' });
    expect(beta.status).toBe(201);
    await page.goto(`${app.url}/orgs/${beta.body.id}`);
    await tour().getByText('0 of 3 done').waitFor();
    await page.setViewportSize(NARROW);
    await screens(page, 'first-steps-empty-org');
    await tour().getByRole('button', { name: 'Hide the first steps' }).click();
    expect(await tour().count()).toBe(0);
    await page.getByText('No monitors yet').waitFor();
    const asked = countStepRequests(page);
    await page.reload();
    await overviewReady(page);
    await page.getByText('No monitors yet').waitFor();
    expect(await tour().count()).toBe(0);
    expect(asked()).toBe(0);
    await page.setViewportSize(WIDE);
    expect(errors).toEqual([]);
  });

  it('a member sees no tour and asks for none', async () => {
    const link = await inviteLink(api, orgId, 'bob@example.com');
    const { context, page: member, errors: memberErrors } = await signUpMember(browser, orgId, { name: 'Bob', email: 'bob@example.com', link, context: { viewport: NARROW } });
    try {
      await context.addInitScript(WATCH_TOUR);
      const asked = countStepRequests(member);
      await member.reload();
      await overviewReady(member);
      await member.locator('a.row', { hasText: 'Checkout API' }).waitFor();
      expect(asked()).toBe(0);
      expect(await member.evaluate('window.__tourSeen')).toBe(false);
      expect(memberErrors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);
});
