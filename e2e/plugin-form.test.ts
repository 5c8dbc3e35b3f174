/**
 * An external probe plugin gets a working form with no client change: the SMTP example, loaded
 * through PINGPAGE_PLUGINS, is picked, filled, validated and saved in the browser, and its
 * monitor checks a local SMTP server.
 */
import net from 'node:net';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, type Running } from '../plugins/testing/servers.js';
import type { TestApp } from '../server/testing/app.js';
import { signUp } from '../server/testing/client.js';
import { screenshot, screenshotFailures, watchErrors } from './browser.js';
import { PASSWORD, signInPage, startBrowserApp } from './harness.js';

let app: TestApp;
let browser: Browser;
let owner: BrowserContext;
let page: Page;
let errors: string[];
let smtp: Running;
let orgId: string;

/** Greets, answers EHLO without STARTTLS, says goodbye. */
function fakeSmtp(): net.Server {
  return net.createServer((socket) => {
    socket.on('error', () => {});
    socket.write('220 mail.test ESMTP ready\r\n');
    let pending = '';
    socket.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      let end: number;
      while ((end = pending.indexOf('\r\n')) >= 0) {
        const verb = pending.slice(0, end).split(' ')[0]!.toUpperCase();
        pending = pending.slice(end + 2);
        if (verb === 'EHLO') socket.write('250-mail.test greets you\r\n250 8BITMIME\r\n');
        else if (verb === 'QUIT') socket.end('221 Bye\r\n');
        else socket.write('502 Command not recognized\r\n');
      }
    });
  });
}

beforeAll(async () => {
  smtp = await listen(fakeSmtp());
  ({ app, browser, owner } = await startBrowserApp({
    env: { PINGPAGE_PLUGINS: path.resolve(import.meta.dirname, '../examples/smtp-probe') },
    context: { viewport: { width: 1100, height: 900 } },
  }));
  ({ orgId } = await signUp(app.url, 'ada@example.com', { password: PASSWORD, orgName: 'Acme' }));
  page = await owner.newPage();
  errors = watchErrors(page);
  await signInPage(page, app.url, 'ada@example.com', orgId);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await smtp?.close();
});

screenshotFailures('failed-', () => page, 60);

describe('a form for an external plugin', () => {
  it('renders the SMTP plugin form from its schema, with defaults, hints and types', async () => {
    await page.goto(`${app.url}/orgs/${orgId}/monitors/new`);
    await page.locator('label.option', { hasText: 'SMTP' }).click();
    expect(await page.getByRole('radio', { name: /SMTP/ }).isChecked()).toBe(true);
    await page.getByRole('heading', { name: 'SMTP' }).waitFor();
    const port = page.getByLabel('Port', { exact: true });
    expect(await port.inputValue()).toBe('25');
    expect(await port.getAttribute('type')).toBe('number');
    expect(await page.getByLabel('STARTTLS', { exact: true }).isChecked()).toBe(true);
    expect(await page.getByLabel('Name this monitor gives in EHLO', { exact: true }).inputValue()).toBe('localhost');
    await page.getByText('SMTP port: 25, or 587 for submission').waitFor();
  });

  it('shows what is wrong on the fields themselves', async () => {
    await page.getByLabel('Host', { exact: true }).fill('smtp://mail.test');
    await page.getByLabel('Port', { exact: true }).fill('70000');
    await page.getByRole('button', { name: 'Create monitor' }).click();
    await page.getByText('2 fields need attention').waitFor();
    expect(await page.getByLabel('Host', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    await page.locator('.field-error', { hasText: 'Use 65535 or less.' }).waitFor();
  });

  it('saves a monitor that checks a local SMTP server', async () => {
    await page.getByLabel('Host', { exact: true }).fill('127.0.0.1');
    await page.getByLabel('Port', { exact: true }).fill(String(smtp.port));
    await page.getByLabel('STARTTLS', { exact: true }).uncheck();
    await screenshot(page, 'form-smtp');
    await page.getByRole('button', { name: 'Create monitor' }).click();
    await page.waitForURL(/\/monitors\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { name: `127.0.0.1:${smtp.port}` }).waitFor();
    await page.getByRole('button', { name: 'Run check now' }).click();
    await page.getByRole('heading', { name: /^Check run at/ }).waitFor();
    await page.locator('.status .badge.up').waitFor({ timeout: 15_000 });
    expect(errors).toEqual([]);
  });

  it('renders any schema shape a plugin may bring: nested objects, lists of objects, records, unions, $ref', async () => {
    const sink = {
      id: 'kitchen-sink',
      version: '0.0.1',
      title: 'Kitchen sink',
      description: 'Every JSON Schema shape the form renderer knows.',
      configSchema: {
        type: 'object',
        $defs: { port: { type: 'integer', minimum: 1, maximum: 65535, description: 'Port number' } },
        properties: {
          mode: { type: 'string', enum: ['fast', 'thorough'], default: 'fast' },
          proxy: { type: 'object', description: 'Go through a proxy', properties: { host: { type: 'string' }, port: { $ref: '#/$defs/port' } }, required: ['host'] },
          targets: {
            type: 'array',
            minItems: 1,
            items: { type: 'object', properties: { host: { type: 'string', minLength: 1 }, port: { $ref: '#/$defs/port' } }, required: ['host', 'port'] },
          },
          labels: { type: 'object', additionalProperties: { type: 'string' } },
          credentials: {
            oneOf: [
              { type: 'object', properties: { kind: { const: 'none' } }, required: ['kind'], description: 'No credentials' },
              { type: 'object', properties: { kind: { const: 'token' }, token: { type: 'string', minLength: 1 } }, required: ['kind', 'token'], description: 'A token' },
            ],
          },
          note: { anyOf: [{ type: 'string' }, { type: 'null' }] },
        },
        required: ['targets', 'credentials'],
      },
    };
    await page.route('**/api/v1/probes', async (route) => {
      const real = (await (await route.fetch()).json()) as unknown[];
      await route.fulfill({ json: [...real, sink] });
    });
    let sent: { config?: Record<string, unknown> } | undefined;
    await page.route(`**/api/v1/orgs/${orgId}/monitors`, async (route) => {
      sent = route.request().postDataJSON();
      // What the server answers when the plugin's zod schema refuses a nested value.
      await route.fulfill({ status: 400, json: { error: { code: 'VALIDATION_FAILED', message: 'The request is not valid', details: [{ path: 'config.targets.0.host', code: 'custom', message: 'Unknown host' }] } } });
    });
    await page.goto(`${app.url}/orgs/${orgId}/monitors/new`); // a fresh page: the probe list is cached per page load
    await page.locator('label.option', { hasText: 'Kitchen sink' }).click();
    await page.getByRole('heading', { name: 'Kitchen sink' }).waitFor();
    // minItems 1: the first row is there already.
    await page.getByRole('group', { name: 'Target 1' }).getByLabel('Host').fill('db.internal');
    await page.getByRole('group', { name: 'Target 1' }).getByLabel('Port number').fill('5432');
    await page.getByLabel('Credentials: kind').selectOption({ label: 'A token' });
    await page.getByLabel('Token').fill('s3cret');
    // Four optional settings: shown without opening "More options".
    await page.getByRole('group', { name: 'Go through a proxy' }).getByLabel('Host').fill('proxy.internal');
    await page.getByRole('button', { name: '+ Add label' }).click();
    await page.getByLabel('Name of label 1').fill('team');
    await page.getByLabel('Value of team').fill('payments');
    await screenshot(page, 'form-kitchen-sink');
    await page.getByRole('button', { name: 'Create monitor' }).click();
    await page.locator('#error-summary', { hasText: 'Unknown host' }).waitFor();
    expect(sent?.config).toEqual({
      mode: 'fast',
      proxy: { host: 'proxy.internal' },
      targets: [{ host: 'db.internal', port: 5432 }],
      labels: { team: 'payments' },
      credentials: { kind: 'token', token: 's3cret' },
    });
    const host = page.getByRole('group', { name: 'Target 1' }).getByLabel('Host');
    expect(await host.getAttribute('aria-invalid')).toBe('true');
    await page.unroute('**/api/v1/probes');
    await page.unroute(`**/api/v1/orgs/${orgId}/monitors`);
  });
});
