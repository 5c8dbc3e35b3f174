/**
 * Rough edge 2 of issue 13 in a real browser: the first channel an owner makes serves every
 * monitor (the form says so, ticked, and a monitor that then goes down alerts through it without
 * anyone visiting the Default alert policy); a later channel is offered "Use for every monitor",
 * unticked, and says which monitors it reaches either way; a member sees the choice but cannot
 * change it. Screenshots in test-artifacts/ (light, dark, phone).
 */
import net from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../server/testing/app.js';
import { httpReceiver, type HttpReceiver } from '../server/testing/receivers.js';
import { DESKTOP, PHONE, screenshot, screenshotFailures, watchErrors } from './browser.js';
import { inviteLink, signUpFirstOwner, signUpMember, startBrowserApp, type Api } from './harness.js';

let app: TestApp;
let browser: Browser;
let owner: BrowserContext;
let api: Api;
let page: Page;
let errors: string[];
let hooks: HttpReceiver;
let orgId = '';
let firstId = '';
let secondId = '';

beforeAll(async () => {
  hooks = await httpReceiver();
  // The receiver is on 127.0.0.1: private targets must be allowed.
  ({ app, browser, owner, api } = await startBrowserApp({ env: { PINGPAGE_PRIVATE_TARGETS: 'allow' }, context: { viewport: DESKTOP } }));
  page = await owner.newPage();
  page.setDefaultTimeout(15_000);
  errors = watchErrors(page);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await hooks?.close();
});

screenshotFailures('failed-channel-defaults-', () => page, 20);

const reach = (p: Page) => p.getByTestId('channel-reach');
const channelRow = (p: Page, name: string) => p.locator('li.channel', { has: p.getByRole('link', { name, exact: true }) });

/** A port on 127.0.0.1 where nothing listens. */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

async function newWebhook(name: string, url: string) {
  await page.goto(`${app.url}/orgs/${orgId}/notifications/new`);
  await page.getByRole('radio', { name: /Webhook/ }).waitFor({ state: 'attached' });
  await page.getByLabel('URL that receives the JSON POST').fill(url);
  await page.getByLabel('Name', { exact: true }).fill(name);
}

describe('a new channel and every monitor', () => {
  it("the owner's first channel is ticked for every monitor, says so, and joins the default policy", async () => {
    orgId = await signUpFirstOwner(page, app.url);
    await newWebhook('On-call hook', `${hooks.url}/on-call`);
    const box = page.getByRole('checkbox', { name: 'Use for every monitor' });
    expect(await box.isChecked()).toBe(true);
    await reach(page).getByText('Your first channel serves every monitor unless you untick this.').waitFor();
    expect(await reach(page).textContent()).toContain('every monitor without alert settings of its own, and every new monitor, alerts through it (now no monitors yet)');
    expect(await reach(page).getByRole('link', { name: 'Default alert policy' }).getAttribute('href')).toBe(`/orgs/${orgId}/notifications#policy`);
    await screenshot(page, 'channel-first-new');
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'channel-first-new-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    const created = page.waitForResponse((r) => r.url().endsWith(`/orgs/${orgId}/notification-channels`) && r.request().method() === 'POST');
    await page.getByRole('button', { name: 'Create channel' }).click();
    const res = await created;
    expect(res.status()).toBe(201);
    expect(res.request().postDataJSON()).toMatchObject({ name: 'On-call hook', useForAllMonitors: true });
    firstId = (await res.json()).id;
    await page.waitForURL(`**/notifications/${firstId}`);
    expect(await page.getByRole('checkbox', { name: 'Use for every monitor' }).isChecked()).toBe(true);

    await page.goto(`${app.url}/orgs/${orgId}/notifications`);
    await channelRow(page, 'On-call hook').getByText('Every monitor · default policy').waitFor();
    expect(await page.locator('#policy').getByRole('checkbox', { name: /On-call hook/ }).isChecked()).toBe(true);
    expect((await api('GET', `/orgs/${orgId}/alert-defaults`)).body.channelIds).toEqual([firstId]);
  });

  it('a monitor that then goes down alerts through it, with no policy set by hand', async () => {
    const m = await api('POST', `/orgs/${orgId}/monitors`, { name: 'Checkout', probe: 'tcp', config: { host: '127.0.0.1', port: await closedPort() }, intervalSeconds: 3600, retries: 0 });
    expect(m.status).toBe(201);
    expect(m.body.alerts).toMatchObject({ channelIds: [firstId], inherited: true });
    // Checked at once on creation: down, and the down goes out through the first channel.
    await expect.poll(() => hooks.requests.filter((r) => r.path === '/on-call').map((r) => r.json().event), { timeout: 15_000 }).toEqual(['monitor.down']);
    expect(hooks.requests[0]!.json()).toMatchObject({ event: 'monitor.down', monitor: { name: 'Checkout' } });
  });

  it('a later channel is offered "Use for every monitor", unticked, and says which monitors it reaches either way', async () => {
    await newWebhook('Team chat', `${hooks.url}/chat`);
    const box = page.getByRole('checkbox', { name: 'Use for every monitor' });
    expect(await box.isChecked()).toBe(false);
    await reach(page).getByText('Only monitors that pick it in their own alert settings alert through it (now none).').waitFor();
    await box.check();
    await reach(page).getByText('alerts through it (now all 1 monitor).').waitFor();
    expect(await reach(page).textContent()).not.toContain('Your first channel');
    await screenshot(page, 'channel-later-new');

    const created = page.waitForResponse((r) => r.url().endsWith(`/orgs/${orgId}/notification-channels`) && r.request().method() === 'POST');
    await page.getByRole('button', { name: 'Create channel' }).click();
    const res = await created;
    expect(res.request().postDataJSON()).toMatchObject({ name: 'Team chat', useForAllMonitors: true });
    secondId = (await res.json()).id;
    await page.waitForURL(`**/notifications/${secondId}`);
    expect((await api('GET', `/orgs/${orgId}/alert-defaults`)).body.channelIds).toEqual([firstId, secondId].sort());

    // Unticked on its page: only its own PATCH, and it leaves the default policy.
    await page.getByRole('checkbox', { name: 'Use for every monitor' }).uncheck();
    await reach(page).getByText('(now none)').waitFor();
    const patch = page.waitForRequest((r) => r.url().endsWith(`/notification-channels/${secondId}`) && r.method() === 'PATCH');
    await page.getByRole('button', { name: 'Save changes' }).click();
    expect((await patch).postDataJSON()).toMatchObject({ useForAllMonitors: false });
    await page.getByText('Changes saved').waitFor();
    expect((await api('GET', `/orgs/${orgId}/alert-defaults`)).body.channelIds).toEqual([firstId]);

    await page.goto(`${app.url}/orgs/${orgId}/notifications`);
    await channelRow(page, 'Team chat').waitFor();
    expect(await channelRow(page, 'Team chat').getByText('Every monitor · default policy').count()).toBe(0);
    await channelRow(page, 'On-call hook').getByText('Every monitor · default policy').waitFor();
    await screenshot(page, 'channel-list-reach');
    await page.setViewportSize(PHONE);
    await page.goto(`${app.url}/orgs/${orgId}/notifications/${firstId}`);
    await reach(page).waitFor();
    await screenshot(page, 'channel-reach-phone');
    await page.setViewportSize(DESKTOP);
    expect(errors).toEqual([]);
  });

  it('a member sees where a channel applies but cannot change it', async () => {
    const link = await inviteLink(api, orgId, 'bob@example.com');
    const { context, page: member, errors: memberErrors } = await signUpMember(browser, orgId, { name: 'Bob', email: 'bob@example.com', link, context: { viewport: PHONE } });
    try {
      await member.goto(`${app.url}/orgs/${orgId}/notifications/${firstId}`);
      const box = member.getByRole('checkbox', { name: 'Use for every monitor' });
      await box.waitFor();
      expect(await box.isChecked()).toBe(true);
      expect(await box.isDisabled()).toBe(true);
      expect(await member.getByTestId('channel-reach').textContent()).toContain('(now all 1 monitor)');
      await screenshot(member, 'channel-reach-member-phone');
      expect(memberErrors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);
});
