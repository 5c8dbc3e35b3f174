/**
 * The alerting screens in a real browser against a whole PingPage: an owner signs up, creates a
 * signed webhook channel through the form rendered from the notifier's schema (pointing at a
 * local receiver), sees the server refuse a bad URL on the URL field, gets the signing secret
 * once, sends tests that reach the receiver (and one it refuses), turns the channel off and on,
 * edits it without losing its masked secrets, rotates the secret, sets the org's default policy; a member gets
 * read-only views on a phone; the owner deletes the channel. Screenshots land in test-artifacts/.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySignature } from '../server/alerting/notifiers/webhook/index.js';
import type { TestApp } from '../server/testing/app.js';
import { httpReceiver, type HttpReceiver } from '../server/testing/receivers.js';
import { DESKTOP, PHONE, screenshot, screenshotFailures, watchErrors } from './browser.js';
import { signUpFirstOwner, signUpMember, startBrowserApp } from './harness.js';

let app: TestApp;
let browser: Browser;
let owner: BrowserContext;
let page: Page;
let errors: string[];
let hooks: HttpReceiver;
/** What the receiver answers next. */
let answer = 200;
let orgId = '';
let channelId = '';
let secret = '';

beforeAll(async () => {
  hooks = await httpReceiver(() => ({ status: answer, body: answer === 200 ? 'ok' : 'gone for good' }));
  // The receiver is on 127.0.0.1: private targets must be allowed, as in the other alerting tests.
  ({ app, browser, owner } = await startBrowserApp({ env: { PINGPAGE_PRIVATE_TARGETS: 'allow' }, context: { viewport: DESKTOP } }));
  page = await owner.newPage();
  // Shorter than the test's own timeout, so a step that waits in vain names its locator.
  page.setDefaultTimeout(15_000);
  errors = watchErrors(page);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await hooks?.close();
});

screenshotFailures('failed-alerts-', () => page, 60);

const apiUrl = (path: string) => `${app.url}/api/v1/orgs/${orgId}${path}`;
const channelRow = (p: Page, name: string) => p.locator('li.channel', { has: p.getByRole('link', { name, exact: true }) });

describe('alerts admin', () => {
  it('signs the owner up and opens an empty Alerts screen', async () => {
    orgId = await signUpFirstOwner(page, app.url);
    await page.getByRole('link', { name: 'Alerts', exact: true }).click();
    await page.waitForURL(`**/orgs/${orgId}/notifications`);
    await page.getByRole('heading', { name: 'No channels yet' }).waitFor();
    await page.getByRole('heading', { name: 'Default alert policy' }).waitFor();
    await screenshot(page, 'alerts-empty');
  });

  it('checks a new webhook channel, shows the server refusing its URL on the URL field, then creates it', async () => {
    await page.getByRole('link', { name: 'New channel' }).first().click();
    await page.waitForURL('**/notifications/new');
    const webhook = page.getByRole('radio', { name: /Webhook/ });
    await webhook.waitFor({ state: 'attached' });
    expect(await webhook.isChecked()).toBe(true);

    // In the browser: a name is needed, and a template may only name known fields.
    const url = page.getByLabel('URL that receives the JSON POST');
    await url.fill('not a url');
    await page.getByText('Message text').click();
    await page.getByRole('textbox', { name: 'Title', exact: true }).fill('{{nope}} {{monitor.name}}');
    await page.getByRole('button', { name: 'Create channel' }).click();
    await page.locator('#f-name-error').waitFor();
    await page.locator('#f-template_2esubject-error', { hasText: 'Unknown field: {{nope}}' }).waitFor();

    // Only the server judges URLs: its 400 names `config.url`, shown on the URL field.
    await page.getByLabel('Name', { exact: true }).fill('Ops hook');
    await page.getByRole('textbox', { name: 'Title', exact: true }).fill('');
    await page.getByText('Fields you can use').click();
    await page.getByRole('button', { name: '{{monitor.name}}', exact: true }).click();
    expect(await page.getByRole('textbox', { name: 'Title', exact: true }).inputValue()).toBe('{{monitor.name}}');
    await page.getByRole('textbox', { name: 'Title', exact: true }).fill('[PingPage] {{monitor.name}}: {{status}}');
    const refused = page.waitForResponse((r) => r.url().endsWith(`/orgs/${orgId}/notification-channels`) && r.request().method() === 'POST');
    await page.getByRole('button', { name: 'Create channel' }).click();
    expect((await refused).status()).toBe(400);
    await page.locator('#f-config_2eurl-error').waitFor();
    expect(await url.getAttribute('aria-invalid')).toBe('true');
    await page.locator('#error-summary', { hasText: 'URL that receives the JSON POST' }).waitFor();
    await screenshot(page, 'alerts-channel-refused');

    // A token in the query and a secret header: neither may show up anywhere afterwards.
    await url.fill(`${hooks.url}/hooks/pingpage?token=abc123`);
    expect(await page.locator('#f-config_2eurl-error').count()).toBe(0); // the server's error goes once the field changes
    await page.getByRole('button', { name: '+ Add header' }).click();
    await page.getByLabel('Name of header 1').fill('Authorization');
    await page.getByLabel('Value of Authorization').fill('Bearer s3cret-value');
    await screenshot(page, 'alerts-channel-new');
    const created = page.waitForResponse((r) => r.url().endsWith(`/orgs/${orgId}/notification-channels`) && r.request().method() === 'POST');
    await page.getByRole('button', { name: 'Create channel' }).click();
    const res = await created;
    expect(res.status()).toBe(201);
    expect(res.request().postDataJSON()).toEqual({
      name: 'Ops hook',
      enabled: true,
      template: { subject: '[PingPage] {{monitor.name}}: {{status}}' },
      notifier: 'webhook',
      config: { url: `${hooks.url}/hooks/pingpage?token=abc123`, headers: { Authorization: 'Bearer s3cret-value' } },
      useForAllMonitors: true, // the org's first channel: ticked unless unticked
    });
    await page.waitForURL(/\/notifications\/[0-9a-f-]{36}$/);
    channelId = new URL(page.url()).pathname.split('/').pop()!;
    await page.getByRole('heading', { name: 'Ops hook', level: 1 }).waitFor();
  });

  it('shows the signing secret once, and a test reaches the receiver signed with it', async () => {
    await page.getByText("Copy it now: you won't see it again.").waitFor();
    secret = (await page.getByTestId('signing-secret').textContent())!.trim();
    expect(secret).toMatch(/^whsec_/);
    await page.getByRole('button', { name: 'Send test' }).click();
    await page.getByTestId('test-result').getByText('Test delivered').waitFor();
    expect(await page.getByTestId('test-result').textContent()).toMatch(/the receiver answered 200 in \d+ ms/);
    expect(hooks.requests).toHaveLength(1);
    const got = hooks.requests[0]!;
    expect([got.method, got.path, got.headers['x-pingpage-event'], got.headers.authorization]).toEqual(['POST', '/hooks/pingpage?token=abc123', 'test', 'Bearer s3cret-value']);
    expect(
      verifySignature({ secret, body: got.body, timestamp: got.headers['x-pingpage-timestamp'] as string, signature: got.headers['x-pingpage-signature'] as string, now: Date.now() }),
    ).toBe(true);
    await screenshot(page, 'alerts-channel-tested');

    await page.getByRole('button', { name: 'I have stored it' }).click();
    await page.reload();
    await page.getByRole('heading', { name: 'Ops hook', level: 1 }).waitFor();
    expect(await page.getByTestId('signing-secret').count()).toBe(0);
    expect(await page.content()).not.toContain(secret);
  });

  it('lists the channel without secrets, reports a refused test inline, and turns it off and on', async () => {
    await page.getByRole('link', { name: 'Alerts', exact: true }).first().click();
    await page.waitForURL(`**/orgs/${orgId}/notifications`);
    const row = channelRow(page, 'Ops hook');
    await row.waitFor();
    expect(await row.textContent()).toContain('Webhook');
    expect(await row.locator('.target').textContent()).toBe(`${hooks.url}/…`);
    const html = await page.content();
    for (const hidden of ['abc123', 's3cret-value', secret]) expect(html).not.toContain(hidden);

    answer = 410;
    await row.getByRole('button', { name: 'Send test to Ops hook' }).click();
    await row.getByText('Test failed').waitFor();
    const failed = await row.getByTestId('test-result').textContent();
    expect(failed).toContain('HTTP_STATUS');
    expect(failed).toContain('The receiver answered 410: gone for good');
    expect(failed).toContain('Real alerts would not be retried');
    expect(hooks.requests).toHaveLength(2);
    answer = 200;
    await screenshot(page, 'alerts-list-test-failed');

    await row.getByRole('button', { name: 'Turn off Ops hook' }).click();
    await row.getByText('Off', { exact: true }).waitFor();
    expect((await (await owner.request.get(apiUrl(`/notification-channels/${channelId}`))).json()).enabled).toBe(false);
    await row.getByRole('button', { name: 'Turn on Ops hook' }).click();
    await row.getByText('On', { exact: true }).waitFor();
    expect((await (await owner.request.get(apiUrl(`/notification-channels/${channelId}`))).json()).enabled).toBe(true);
  });

  it('edits the channel: masked secrets are kept, the test uses the saved settings, the secret is rotated', async () => {
    await channelRow(page, 'Ops hook').getByRole('link', { name: 'Edit Ops hook' }).click();
    await page.waitForURL(`**/notifications/${channelId}`);
    const header = page.getByLabel('Value of Authorization');
    await header.waitFor();
    expect(await header.inputValue()).toBe('********');
    expect(await header.getAttribute('type')).toBe('password');
    await page.getByText('Secrets are never shown again').waitFor();
    expect(await page.getByRole('button', { name: 'Save changes' }).isDisabled()).toBe(true);
    await page.getByLabel('Name', { exact: true }).fill('Ops webhook');
    await page.getByText('save your changes first').waitFor();
    const patched = page.waitForResponse((r) => r.url().endsWith(`/notification-channels/${channelId}`) && r.request().method() === 'PATCH');
    await page.getByRole('button', { name: 'Save changes' }).click();
    expect((await patched).status()).toBe(200);
    await page.getByRole('heading', { name: 'Ops webhook', level: 1 }).waitFor();
    await page.getByText('Changes saved').waitFor();
    await page.getByRole('button', { name: 'Send test' }).click();
    await expect.poll(() => hooks.requests.length).toBe(3);
    expect(hooks.requests[2]!.headers.authorization).toBe('Bearer s3cret-value');
    await page.getByTestId('test-result').getByText('Test delivered').waitFor();
    await screenshot(page, 'alerts-channel-edit');

    // A new signing secret, shown once; the next delivery is signed with it and not the old one.
    await page.getByRole('button', { name: 'Issue a new secret…' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Issue new secret' }).click();
    await page.getByRole('heading', { name: 'New signing secret' }).waitFor();
    const rotated = (await page.getByTestId('signing-secret').textContent())!.trim();
    expect(rotated).toMatch(/^whsec_/);
    expect(rotated).not.toBe(secret);
    await page.getByRole('button', { name: 'Send test' }).click();
    await expect.poll(() => hooks.requests.length).toBe(4);
    const signed = hooks.requests[3]!;
    const check = (key: string) =>
      verifySignature({ secret: key, body: signed.body, timestamp: signed.headers['x-pingpage-timestamp'] as string, signature: signed.headers['x-pingpage-signature'] as string, now: Date.now() });
    expect([check(rotated), check(secret)]).toEqual([true, false]);
    await page.getByRole('button', { name: 'I have stored it' }).click();
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'alerts-channel-edit-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('sets the org default policy, checking the numbers first', async () => {
    await page.getByRole('link', { name: 'Alerts', exact: true }).first().click();
    const policy = page.locator('#policy');
    await policy.getByRole('checkbox', { name: /Ops webhook/ }).check();
    await policy.getByLabel('Remind every (minutes)').fill('30');
    await policy.getByLabel('Flapping: status changes').fill('1');
    await policy.getByLabel('Flapping: window in minutes').fill('20');
    await policy.getByLabel('Also alert when degraded').check();
    await policy.getByRole('button', { name: 'Save default policy' }).click();
    await policy.getByText('A whole number from 2 to 100').waitFor();
    expect(await policy.getByLabel('Flapping: status changes').getAttribute('aria-invalid')).toBe('true');

    await policy.getByLabel('Flapping: status changes').fill('5');
    const put = page.waitForRequest((r) => r.url().endsWith(`/orgs/${orgId}/alert-defaults`) && r.method() === 'PUT');
    await policy.getByRole('button', { name: 'Save default policy' }).click();
    expect((await put).postDataJSON()).toEqual({ channelIds: [channelId], remindEveryMinutes: 30, onDegraded: true, flapping: { changes: 5, windowMinutes: 20 } });
    await page.getByText('Default alert policy saved').waitFor();
    await expect.poll(() => policy.getByRole('button', { name: 'Save default policy' }).isDisabled()).toBe(true);
    expect(await (await owner.request.get(apiUrl('/alert-defaults'))).json()).toEqual({
      channelIds: [channelId],
      remindEveryMinutes: 30,
      onDegraded: true,
      flapping: { changes: 5, windowMinutes: 20 },
    });
    await channelRow(page, 'Ops webhook').getByText('Default policy').waitFor();
    await screenshot(page, 'alerts-list');
    await page.emulateMedia({ colorScheme: 'dark' });
    await screenshot(page, 'alerts-list-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize(PHONE);
    await screenshot(page, 'alerts-list-phone');
    await page.goto(`${app.url}/orgs/${orgId}/notifications/new`);
    await page.getByRole('radio', { name: /Webhook/ }).waitFor({ state: 'attached' });
    await screenshot(page, 'alerts-channel-new-phone');
    await page.setViewportSize(DESKTOP);
  });

  it('gives a member read-only views on a phone', async () => {
    const invited = await owner.request.post(apiUrl('/members'), { data: { email: 'bob@example.com', role: 'member' }, headers: { Origin: app.url } });
    expect(invited.ok()).toBe(true);
    const { context: memberContext, page: member, errors: memberErrors } = await signUpMember(browser, orgId, {
      name: 'Bob',
      email: 'bob@example.com',
      link: (await invited.json()).link,
      context: { viewport: PHONE },
    });
    try {
      await member.goto(`${app.url}/orgs/${orgId}/notifications`);
      await member.getByText('You can look but not change').waitFor();
      await channelRow(member, 'Ops webhook').waitFor();
      const summary = member.getByTestId('policy-summary');
      expect(await summary.textContent()).toContain('Every 30 minutes while down');
      expect(await summary.textContent()).toContain('Ops webhook');
      expect(await member.getByRole('link', { name: 'New channel' }).count()).toBe(0);
      expect(await member.getByRole('button', { name: /Send test|Turn off|Delete|Save default policy/ }).count()).toBe(0);
      await screenshot(member, 'alerts-member-phone');

      await member.getByRole('link', { name: 'Ops webhook', exact: true }).click();
      await member.waitForURL(`**/notifications/${channelId}`);
      const url = member.getByLabel('URL that receives the JSON POST');
      await url.waitFor();
      expect(await url.isDisabled()).toBe(true);
      expect(await member.getByLabel('Name', { exact: true }).isDisabled()).toBe(true);
      expect(await member.getByRole('button', { name: /Save changes|Send test|Delete|Issue a new secret/ }).count()).toBe(0);
      await screenshot(member, 'alerts-channel-member-phone');

      await member.goto(`${app.url}/orgs/${orgId}/notifications/new`);
      await member.getByRole('heading', { name: 'Owners and admins only' }).waitFor();
      expect(memberErrors).toEqual([]);
    } finally {
      await memberContext.close();
    }
  }, 60_000);

  it('deletes the channel after confirming, which also takes it out of the default policy', async () => {
    await page.goto(`${app.url}/orgs/${orgId}/notifications`);
    await channelRow(page, 'Ops webhook').getByRole('button', { name: 'Delete Ops webhook' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('the default policy').waitFor();
    await screenshot(page, 'alerts-delete-confirm');
    await dialog.getByRole('button', { name: 'Delete channel' }).click();
    await page.getByRole('heading', { name: 'No channels yet' }).waitFor();
    expect(await (await owner.request.get(apiUrl('/notification-channels'))).json()).toEqual([]);
    expect((await (await owner.request.get(apiUrl('/alert-defaults'))).json()).channelIds).toEqual([]);
  });

  it("opens every other notifier's channel as stored: its form has nothing to save", async () => {
    const configs: Record<string, Record<string, unknown>> = {
      slack: { url: 'http://127.0.0.1:9/services/T0/B0/slack-secret' },
      discord: { url: 'http://127.0.0.1:9/api/webhooks/1/discord-secret', username: 'Uptime' },
      teams: { url: 'http://127.0.0.1:9/workflows/teams-secret' },
      email: { host: '127.0.0.1', port: 2525, security: 'none', username: 'ops', password: 'mail-secret', from: 'alerts@example.com', to: ['ops@example.com', 'cto@example.com'] },
      ntfy: { server: 'http://127.0.0.1:9', topic: 'acme-alerts', priority: 'high', token: 'tk_ntfy-secret' },
    };
    for (const [notifier, config] of Object.entries(configs)) {
      const res = await owner.request.post(apiUrl('/notification-channels'), { data: { name: `${notifier} channel`, notifier, config }, headers: { Origin: app.url } });
      expect(res.status(), notifier).toBe(201);
      await page.goto(`${app.url}/orgs/${orgId}/notifications/${(await res.json()).id}`);
      await page.getByRole('heading', { name: `${notifier} channel`, level: 1 }).waitFor();
      await page.getByRole('button', { name: 'Send test' }).waitFor();
      expect(await page.getByRole('button', { name: 'Save changes' }).isDisabled(), notifier).toBe(true);
      expect(await page.content()).not.toContain('-secret');
      if (notifier === 'email') await screenshot(page, 'alerts-channel-email');
    }
    await page.goto(`${app.url}/orgs/${orgId}/notifications`);
    await channelRow(page, 'email channel').waitFor();
    expect(await channelRow(page, 'email channel').locator('.target').textContent()).toBe('to ops@example.com +1 via 127.0.0.1:2525');
    expect(await channelRow(page, 'slack channel').locator('.target').textContent()).toBe('Webhook URL stored (secret)');
    expect(await page.content()).not.toContain('-secret');
    await screenshot(page, 'alerts-list-all');
    expect(errors).toEqual([]);
  });
});
