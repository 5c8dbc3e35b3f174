/**
 * Issue 13, bug 8 in Chromium: every menu of the dashboard (the account menu, the organization
 * switcher) closes on Escape however it was opened — a mouse click, a click inside it, the
 * arrow keys — and the focus goes back to the button that opened it.
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../server/testing/app.js';
import { screenshotFailures, watchErrors } from './browser.js';
import { signUpFirstOwner, startBrowserApp } from './harness.js';
import { WIDE } from './screens.js';

let app: TestApp;
let browser: Browser;
let page: Page;
let errors: string[];

beforeAll(async () => {
  let owner;
  ({ app, browser, owner } = await startBrowserApp({ context: { viewport: WIDE } }));
  page = await owner.newPage();
  errors = watchErrors(page);
  await signUpFirstOwner(page, app.url);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

screenshotFailures('menus-failed-', () => page, 50);

const MENUS: Array<[string, () => Locator]> = [
  ['the account menu', () => page.getByRole('button', { name: /^Account menu for Ada Lovelace/ })],
  ['the organization switcher', () => page.getByRole('button', { name: /^Organization: Acme/ })],
];

/** Escape is pressed; the menu is gone, its button says so, and has the focus. */
async function escapeCloses(trigger: Locator) {
  await page.keyboard.press('Escape');
  await page.getByRole('menu').waitFor({ state: 'detached', timeout: 2_000 });
  expect(await trigger.getAttribute('aria-expanded')).toBe('false');
  expect(await trigger.evaluate((el: any) => el === el.ownerDocument.activeElement)).toBe(true);
}

describe('menus close on Escape', () => {
  for (const [name, trigger] of MENUS) {
    it(`${name}, opened with the mouse`, async () => {
      await trigger().click();
      await page.getByRole('menu').waitFor();
      expect(await trigger().getAttribute('aria-expanded')).toBe('true');
      await escapeCloses(trigger());
    });

    it(`${name}, opened with the mouse and clicked inside (not on an item)`, async () => {
      await trigger().click();
      const menu = page.getByRole('menu');
      await menu.waitFor();
      await menu.click({ position: { x: 4, y: 4 } });
      await page.getByRole('menu').waitFor();
      await escapeCloses(trigger());
    });

    it(`${name}, opened with the arrow keys from its button`, async () => {
      await trigger().focus();
      await page.keyboard.press('ArrowDown');
      await expect.poll(() => page.evaluate("document.activeElement?.getAttribute('role')")).toBe('menuitem');
      await escapeCloses(trigger());
    });
  }

  it('left no errors behind', () => {
    expect(errors).toEqual([]);
  });
});
