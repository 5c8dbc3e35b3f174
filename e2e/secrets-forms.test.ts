/**
 * The screens of issue 12's holes 5 and 11 in Chromium: the monitor form shows stored secrets as
 * set password inputs and sends the mask back untouched (the check still authenticates), asks
 * for them again when the address changes; the status page form shows the TXT record that
 * proves a custom domain and verifies it against a real DNS server.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../server/testing/app.js';
import { signUp } from '../server/testing/client.js';
import { txtServer, type TxtServer } from '../server/testing/dns.js';
import { httpReceiver, type HttpReceiver } from '../server/testing/receivers.js';
import { screenshotFailures, watchErrors } from './browser.js';
import { PASSWORD, signInPage, startBrowserApp, type Api } from './harness.js';

const SECRETS = ['s3cret-basic', 'k3y-value', 'url-pass'];
const basic = `Basic ${Buffer.from('ops:s3cret-basic').toString('base64')}`;

let app: TestApp;
let browser: Browser;
let owner: BrowserContext;
let api: Api;
let page: Page;
let errors: string[];
let home: HttpReceiver;
let elsewhere: HttpReceiver;
let dns: TxtServer;
let orgId: string;

beforeAll(async () => {
  home = await httpReceiver((_n, r) => ({ status: r.headers.authorization === basic && r.headers['x-api-key'] === 'k3y-value' ? 200 : 401 }));
  elsewhere = await httpReceiver();
  dns = await txtServer();
  ({ app, browser, owner, api } = await startBrowserApp({
    env: { PINGPAGE_PRIVATE_TARGETS: 'allow', PINGPAGE_DNS_SERVERS: dns.server },
    context: { viewport: { width: 1280, height: 900 } },
  }));
  ({ orgId } = await signUp(app.url, 'ada@example.com', { password: PASSWORD, orgName: 'Acme' }));
  page = await owner.newPage();
  errors = watchErrors(page);
  await signInPage(page, app.url, 'ada@example.com', orgId);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await home?.close();
  await elsewhere?.close();
  await dns?.close();
});

screenshotFailures('failed-secrets-', () => page, 60);

describe('the monitor form with stored secrets', () => {
  let id: string;

  beforeAll(async () => {
    const created = await api('POST', `/orgs/${orgId}/monitors`, {
      name: 'Private API',
      probe: 'http',
      intervalSeconds: 3600,
      config: { url: home.url.replace('http://', 'http://probe:url-pass@') + '/health', auth: { type: 'basic', username: 'ops', password: 's3cret-basic' }, headers: { 'X-Api-Key': 'k3y-value' } },
    });
    expect(created.status).toBe(201);
    id = created.body.id;
  });

  it('shows them as set password inputs, never their values, and keeps them when saved untouched', async () => {
    await page.goto(`${app.url}/orgs/${orgId}/monitors/${id}/edit`);
    const password = page.getByLabel('Password', { exact: true });
    await password.waitFor();
    expect(await password.getAttribute('type')).toBe('password');
    expect(await password.inputValue()).toBe('********');
    expect(await page.getByLabel('Value of X-Api-Key').getAttribute('type')).toBe('password');
    await page.getByText('Secrets are never shown again.').waitFor();
    const html = await page.content();
    for (const s of SECRETS) expect(html).not.toContain(s);
    await page.locator('#f-name').fill('Private API (renamed)');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.waitForURL(`**/orgs/${orgId}/monitors/${id}`);
    const checked = await api('POST', `/orgs/${orgId}/monitors/${id}/check`);
    expect(checked.body).toMatchObject({ ok: true });
    expect(errors).toEqual([]);
  });

  it('asks for them again, on their fields, when the address moves to another host', async () => {
    await page.goto(`${app.url}/orgs/${orgId}/monitors/${id}/edit`);
    const url = page.getByLabel('URL', { exact: true });
    await url.fill(`${elsewhere.url}/health`);
    await page.getByRole('button', { name: 'Save changes' }).click();
    const message = 'Enter this secret again (the stored one is not sent to a new address)';
    await page.locator('#f-config_2eauth_2epassword-error').getByText(message).waitFor();
    await page.getByLabel('Password', { exact: true }).fill('typed-for-the-new-host');
    await page.getByLabel('Value of X-Api-Key').fill('new-key');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.waitForURL(`**/orgs/${orgId}/monitors/${id}`);
    await api('POST', `/orgs/${orgId}/monitors/${id}/check`);
    expect(elsewhere.requests.at(-1)!.headers.authorization).toBe(`Basic ${Buffer.from('ops:typed-for-the-new-host').toString('base64')}`);
    expect(JSON.stringify(elsewhere.requests.map((r) => r.headers))).not.toMatch(/s3cret-basic|k3y-value/);
    expect(errors).toEqual([]);
  });
});

describe('the status page form with a custom domain', () => {
  it('shows the TXT record to add, refuses to verify without it, and verifies once it is there', async () => {
    const created = await api('POST', `/orgs/${orgId}/status-pages`, { slug: 'acme', title: 'Acme', customDomain: 'status.acme.test' });
    expect(created.status).toBe(201);
    const { record, token } = created.body.domainVerification;
    await page.goto(`${app.url}/orgs/${orgId}/status-pages/${created.body.id}`);
    await page.getByText('Not verified yet:').waitFor();
    await page.getByText(record, { exact: true }).waitFor();
    await page.getByText(token, { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('alert').getByText('There is no TXT record at _pingpage.status.acme.test').waitFor();
    dns.txt.set(record, [token]);
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByText('Verified:', { exact: true }).waitFor();
    await page.getByText('status.acme.test verified: the page is served there now').waitFor();
    expect((await api('GET', `/orgs/${orgId}/status-pages/${created.body.id}`)).body.domainVerification.verifiedAt).toEqual(expect.any(String));
    // A typed, unsaved new domain: the proof shown is for the saved one only after saving.
    await page.locator('#sp-customDomain').fill('status.other.test');
    await page.getByText('Save, then prove the domain is yours').waitFor();
    expect(errors).toEqual([]);
  });
});
