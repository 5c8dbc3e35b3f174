/** Screenshots to look at while building a screen: 1440 px and phone width, light and dark, under /tmp (never committed). */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';

export const SHOTS = process.env.PINGPAGE_SHOTS ?? '/tmp/pingpage-shots';
export const WIDE = { width: 1440, height: 900 };
export const NARROW = { width: 390, height: 844 };

/** `<name>-{wide,phone}-{light,dark}.png`, the whole page; leaves the page at its size and light scheme. */
export async function screens(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  const before = page.viewportSize() ?? WIDE;
  for (const [size, viewport] of [['wide', WIDE], ['phone', NARROW]] as const) {
    await page.setViewportSize(viewport);
    // A window as tall as the page (as browser.ts's screenshot does): sticky bars stay where they belong.
    const height = (await page.evaluate('document.documentElement.scrollHeight')) as number;
    await page.setViewportSize({ width: viewport.width, height: Math.min(Math.max(height, viewport.height), 6000) });
    await page.evaluate('scrollTo(0, 0)');
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: path.join(SHOTS, `${name}-${size}-${scheme}.png`) });
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize(before);
}
