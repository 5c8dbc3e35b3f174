/**
 * A whole PingPage (SMTP to a local receiver) in a real browser:
 * - a visitor with JavaScript off subscribes from the public status page's form: a refused
 *   address comes back in the page, then a good one (some components) gets "check your inbox",
 *   the e-mail arrives and its link confirms — light and dark, at phone width;
 * - the monitor page's "Recent alerts" shows what was sent where when the monitor goes down:
 *   a channel that took it, and one that refused it.
 * Screenshots land in test-artifacts/subscribe-*.png.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { rows } from '../server/db/sql.js';
import type { TestApp } from '../server/testing/app.js';
import { httpReceiver, smtpReceiver, type HttpReceiver, type SmtpReceiver } from '../server/testing/receivers.js';
import { PHONE, screenshot, screenshotFailures, Target, watchErrors } from './browser.js';
import { PASSWORD, startBrowserApp, type Api, type Method } from './harness.js';

let app: TestApp;
let browser: Browser;
let smtp: SmtpReceiver;
let hooks: HttpReceiver;
let refusing: HttpReceiver;
const target = new Target();
let owner: BrowserContext;
let ownerApi: Api;
let orgId: string;
let components: Array<{ id: string; name: string }>;
let current: Page | undefined;

beforeAll(async () => {
  await target.start();
  smtp = await smtpReceiver({ disabledCommands: ['STARTTLS'] });
  hooks = await httpReceiver();
  refusing = await httpReceiver(() => ({ status: 404, body: 'no such hook' }));
  ({ app, browser, owner, api: ownerApi } = await startBrowserApp({
    env: { SMTP_URL: `smtp://127.0.0.1:${smtp.port}?security=none`, MAIL_FROM: 'status@acme.example', LOG_LEVEL: 'warn' },
    context: { viewport: { width: 1280, height: 900 } },
  }));
  const signup = await call('POST', '/auth/signup', { email: 'ada@example.com', password: PASSWORD, name: 'Ada', orgName: 'Acme' });
  orgId = signup.org.id;
  const page = await call('POST', `/orgs/${orgId}/status-pages`, {
    slug: 'acme',
    title: 'Acme',
    description: 'Live status of Acme services',
    components: [{ name: 'Public API', group: 'Core' }, { name: 'Dashboard', group: 'Core' }, { name: 'Support desk' }],
  });
  components = page.components;
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await smtp?.close();
  await hooks?.close();
  await refusing?.close();
  await target.stop();
});

screenshotFailures('subscribe-failed-', () => current, 50);

/** The API as the signed-in owner (the context keeps the session cookie): its answer's body, or an error. */
async function call(method: Method, path: string, data?: unknown) {
  const res = await ownerApi(method, path, data);
  if (res.status < 200 || res.status > 299) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** The first e-mail to `address`, once the app's delivery worker sent it. */
function mailTo(address: string) {
  return vi.waitFor(
    () => {
      const m = smtp.messages.find((x) => x.to.includes(address));
      if (!m) throw new Error('no e-mail yet');
      return m;
    },
    { timeout: 15_000 },
  );
}

const confirmLink = (mail: { text: string }) => /(http:\/\/\S+\/subscriptions\/confirm\?token=\S+)/.exec(mail.text)![1]!;

async function visitor(colorScheme: 'light' | 'dark'): Promise<{ page: Page; errors: string[]; close: () => Promise<void> }> {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: PHONE, colorScheme, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  current = page;
  return { page, errors: watchErrors(page), close: () => context.close() };
}

describe('subscribing with JavaScript off', () => {
  it('refuses an address in the page, then signs up for chosen components and confirms from the e-mail (light, phone)', async () => {
    const { page, errors, close } = await visitor('light');
    const res = await page.goto(`${app.url}/status/acme`);
    expect(res!.status()).toBe(200);
    await screenshot(page, 'subscribe-page-phone-light');

    await page.getByRole('link', { name: 'Subscribe to updates' }).click();
    expect(page.url()).toMatch(/#subscribe$/);
    // The browser lets "ada@localhost" through (valid HTML e-mail); the server does not.
    await page.getByLabel('E-mail address').fill('ada@localhost');
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await page.getByText('Enter an e-mail address such as name@example.com.').waitFor();
    expect(await page.getByLabel('E-mail address').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('E-mail address').inputValue()).toBe('ada@localhost');
    await screenshot(page, 'subscribe-refused-phone-light');

    await page.getByLabel('E-mail address').fill('reader@example.com');
    await page.getByText('Only some components').click();
    await page.getByRole('checkbox', { name: /Public API/ }).check();
    await page.getByRole('checkbox', { name: /Support desk/ }).check();
    await screenshot(page, 'subscribe-choosing-phone-light');
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await page.getByRole('heading', { name: 'Check your inbox' }).waitFor();
    await page.getByText('You chose: Public API, Support desk.').waitFor();
    await screenshot(page, 'subscribe-sent-phone-light');

    const stored = await rows<{ component_ids: string[] }>(app.orm.em.fork(), 'SELECT component_ids::text[] FROM status_subscribers WHERE email = ?', ['reader@example.com']);
    expect(stored.map((r) => [...r.component_ids].sort())).toEqual([[components[0]!.id, components[2]!.id].sort()]);

    await page.goto(confirmLink(await mailTo('reader@example.com')));
    await page.getByRole('button', { name: 'Confirm subscription' }).click();
    await page.getByRole('heading', { name: 'Subscribed' }).waitFor();
    await screenshot(page, 'subscribe-confirmed-phone-light');
    await page.setViewportSize({ width: 1100, height: 900 });
    await page.goto(`${app.url}/status/acme`);
    await screenshot(page, 'subscribe-page-desktop-light');
    expect(errors).toEqual([]);
    await close();
  });

  it('looks right in dark mode too', async () => {
    const { page, errors, close } = await visitor('dark');
    await page.goto(`${app.url}/status/acme#subscribe`);
    await page.getByText('Only some components').click();
    await screenshot(page, 'subscribe-page-phone-dark');
    await page.getByLabel('E-mail address').fill('night@example.com');
    await page.getByRole('checkbox', { name: /Dashboard/ }).check();
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await page.getByRole('heading', { name: 'Check your inbox' }).waitFor();
    await screenshot(page, 'subscribe-sent-phone-dark');
    await page.goto(confirmLink(await mailTo('night@example.com')));
    await page.getByRole('button', { name: 'Confirm subscription' }).click();
    await page.getByRole('heading', { name: 'Subscribed' }).waitFor();
    await screenshot(page, 'subscribe-confirmed-phone-dark');
    // Both at once is refused, with the webhook part opened to show what was typed.
    await page.goto(`${app.url}/status/acme#subscribe`);
    await page.getByLabel('E-mail address').fill('night@example.com');
    await page.getByText('Or send updates to a webhook').click();
    await page.getByLabel('Webhook URL').fill('https://hooks.example/x');
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await page.getByText('Give an e-mail address or a webhook URL, not both.').waitFor();
    expect(await page.getByLabel('Webhook URL').inputValue()).toBe('https://hooks.example/x');
    await screenshot(page, 'subscribe-refused-phone-dark');
    expect(errors).toEqual([]);
    await close();
  });
});

describe('recent alerts on the monitor page', () => {
  it('shows each delivery with its channel, event and result, live', async () => {
    const ok = await call('POST', `/orgs/${orgId}/notification-channels`, { name: 'Ops hook', notifier: 'webhook', config: { url: `${hooks.url}/ops` } });
    const gone = await call('POST', `/orgs/${orgId}/notification-channels`, { name: 'Old pager', notifier: 'webhook', config: { url: `${refusing.url}/gone` } });
    const monitor = await call('POST', `/orgs/${orgId}/monitors`, {
      name: 'Target API',
      probe: 'http',
      config: { url: target.url },
      intervalSeconds: 3600,
      retries: 0,
      alerts: { channelIds: [ok.id, gone.id] },
    });
    expect((await call('POST', `/orgs/${orgId}/monitors/${monitor.id}/check`)).status).toBe('up');

    const page = await owner.newPage();
    current = page;
    const errors = watchErrors(page);
    await page.goto(`${app.url}/orgs/${orgId}/monitors/${monitor.id}`);
    await page.getByRole('heading', { name: 'Recent alerts' }).waitFor();
    await page.getByText('No alerts sent for this monitor yet.').waitFor();

    await target.stop();
    await page.getByRole('button', { name: 'Run check now' }).click();
    const rowsOf = page.locator('tr[data-delivery]');
    const sent = rowsOf.filter({ hasText: 'Ops hook' });
    const refused = rowsOf.filter({ hasText: 'Old pager' });
    await sent.filter({ hasText: 'Sent' }).waitFor({ timeout: 15_000 });
    await refused.filter({ hasText: 'Failed' }).waitFor({ timeout: 15_000 });
    expect(await sent.locator('.tag').textContent()).toBe('Down');
    expect(await refused.textContent()).toContain('gave up after 1 attempt');
    expect(await refused.locator('.error code').textContent()).toMatch(/^[A-Z_]+$/);
    expect(hooks.requests.filter((r) => r.path === '/ops').map((r) => r.json().event)).toEqual(['monitor.down']);
    await page.locator('#alerts-title').scrollIntoViewIfNeeded();
    await screenshot(page, 'subscribe-alerts-light');

    await target.start();
    await page.getByRole('button', { name: 'Run check now' }).click();
    await rowsOf.filter({ hasText: 'Recovered' }).filter({ hasText: 'Ops hook' }).filter({ hasText: 'Sent' }).waitFor({ timeout: 15_000 });
    await rowsOf.filter({ hasText: 'Recovered' }).filter({ hasText: 'Old pager' }).filter({ hasText: 'Failed' }).waitFor({ timeout: 15_000 });

    // The Alerts screen tells how each channel's latest alert went.
    await page.goto(`${app.url}/orgs/${orgId}/notifications`);
    const channelRow = (name: string) => page.locator('li.channel', { hasText: name }).locator('.last');
    await channelRow('Ops hook').waitFor();
    expect(await channelRow('Ops hook').textContent()).toMatch(/^\s*Last alert: Recovered, delivered\s+(just now|\d+s ago)\s*$/);
    expect(await channelRow('Old pager').textContent()).toMatch(/Last alert: Recovered, not delivered .*: [A-Z_]+ /);
    await screenshot(page, 'alerts-list-last-delivery');
    await page.goBack();

    await page.emulateMedia({ colorScheme: 'dark' });
    await page.setViewportSize(PHONE);
    await screenshot(page, 'subscribe-alerts-phone-dark');
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);
});
