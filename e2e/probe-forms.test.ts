/**
 * Issue 13, rough edge 7 in Chromium: the monitor form of each built-in check type labels every
 * field distinctly (DNS no longer has two fields called "Name"), and the TLS port is a main
 * field, not hidden under "More options".
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../server/testing/app.js';
import { screenshotFailures, watchErrors } from './browser.js';
import { signUpFirstOwner, startBrowserApp } from './harness.js';
import { WIDE } from './screens.js';

let app: TestApp;
let browser: Browser;
let page: Page;
let errors: string[];
let orgId = '';

beforeAll(async () => {
  let owner;
  ({ app, browser, owner } = await startBrowserApp({ context: { viewport: WIDE } }));
  page = await owner.newPage();
  errors = watchErrors(page);
  orgId = await signUpFirstOwner(page, app.url);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

screenshotFailures('probe-forms-failed-', () => page, 50);

/** Opens the new-monitor form on `probe`, and answers the labels of its fields (those under "More options" too), in order. */
async function labels(probe: string): Promise<string[]> {
  await page.goto(`${app.url}/orgs/${orgId}/monitors/new`);
  await page.locator('label.option', { hasText: probe }).click();
  await page.getByRole('heading', { name: probe }).waitFor();
  // Labels of controls (not the options of a choice), without the "optional" mark.
  return page.locator('form label:not(.option)').evaluateAll((ls: any[]) =>
    ls.map((l) => {
      const c = l.cloneNode(true);
      c.querySelectorAll('.optional').forEach((o: any) => o.remove());
      return String(c.textContent ?? '').trim();
    }),
  );
}

/** Whether the control labelled `label` shows without opening "More options" (which may not render it at all). */
async function mainField(label: string): Promise<boolean> {
  const field = page.getByLabel(label, { exact: true });
  if ((await field.count()) === 0) return false;
  const inMore = await field.evaluate((el: any) => !!el.closest('details'));
  return !inMore && (await field.isVisible());
}

describe('built-in check forms', () => {
  for (const probe of ['HTTP', 'TCP', 'DNS', 'TLS']) {
    it(`${probe}: every field has a label of its own`, async () => {
      const all = await labels(probe);
      expect(all.length).toBeGreaterThan(3);
      const twice = all.filter((l, i) => all.indexOf(l) !== i);
      expect(twice, `labels: ${all.join(' | ')}`).toEqual([]);
    });
  }

  it('DNS: the name to look up is the "Domain name", beside the monitor\'s "Name"', async () => {
    const all = await labels('DNS');
    expect(all.filter((l) => l === 'Name')).toHaveLength(1);
    expect(all).toContain('Domain name');
    expect(await mainField('Domain name')).toBe(true);
    expect(await mainField('Record type')).toBe(true);
  });

  it('TLS: the port is a main field, with its default', async () => {
    await labels('TLS');
    expect(await mainField('TCP port')).toBe(true);
    expect(await page.getByLabel('TCP port', { exact: true }).inputValue()).toBe('443');
    expect(await mainField('Server name (SNI)')).toBe(false);
  });

  it('left no errors behind', () => {
    expect(errors).toEqual([]);
  });
});
