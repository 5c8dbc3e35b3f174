/**
 * Issue 13, bugs 2, 3 and 9, as a person sees them in Chromium against a whole PingPage:
 * - one monitor's uptime reads the same on its dashboard row (live), its page, its status page
 *   and its badge;
 * - a failed check while retries remain is drawn as "failed, retrying", not green, and the monitor
 *   goes down once they are used up;
 * - the 24 h chart of a fresh monitor with two checks spans 24 hours, and its 90-day bars read the
 *   figure its cards show.
 * The scheduler's clock never moves: every check here is one the test asks for.
 */
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../server/scheduler/fake-clock.js';
import type { TestApp } from '../server/testing/app.js';
import { HISTORY_INTERVAL, HISTORY_PRINTED, UptimeHistory } from '../server/testing/uptime-history.js';
import { DESKTOP, screenshotFailures, Target, watchErrors } from './browser.js';
import { signUpFirstOwner, startBrowserApp, type Api } from './harness.js';

let app: TestApp;
let browser: Browser;
let owner: BrowserContext;
let api: Api;
let page: Page;
let errors: string[];
let orgId = '';
const target = new Target();

beforeAll(async () => {
  await target.start();
  // A clock that never moves and no check at creation: every check here is the test's.
  ({ app, browser, owner, api } = await startBrowserApp({ start: { monitoring: { clock: new FakeClock(Date.now()), immediateChecks: 0 } }, context: { viewport: DESKTOP } }));
  page = await owner.newPage();
  errors = watchErrors(page);
  orgId = await signUpFirstOwner(page, app.url);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await target.stop();
});

screenshotFailures('failed-figures-', () => page, 60);

async function monitor(name: string, body: Record<string, unknown> = {}): Promise<string> {
  const res = await api<{ id: string }>('POST', `/orgs/${orgId}/monitors`, { name, probe: 'http', config: { url: target.url }, intervalSeconds: 60, ...body });
  expect(res.status).toBe(201);
  return res.body.id;
}

async function check(id: string): Promise<void> {
  expect((await api('POST', `/orgs/${orgId}/monitors/${id}/check`)).status).toBe(200);
}

const row = (name: string, status = '') => page.locator(`a.row${status && '.' + status}`, { hasText: name });

// The little of the DOM the functions run in the page use (the server's tsconfig has no DOM types).
interface Canvas {
  width: number;
  height: number;
  getContext(kind: '2d'): { fillStyle: string; fillRect(x: number, y: number, w: number, h: number): void; getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null;
}
declare const document: { documentElement: unknown; createElement(tag: 'canvas'): Canvas };
declare function getComputedStyle(e: unknown): { getPropertyValue(name: string): string };
declare const devicePixelRatio: number;

/** The colour a CSS custom property resolves to, as canvas pixels carry it: [r, g, b]. */
function cssColor(name: string): Promise<number[]> {
  return page.evaluate((n) => {
    const c = document.createElement('canvas').getContext('2d')!;
    c.fillStyle = getComputedStyle(document.documentElement).getPropertyValue(n).trim();
    c.fillRect(0, 0, 1, 1);
    return [...c.getImageData(0, 0, 1, 1).data.slice(0, 3)];
  }, name);
}

/** The pixel of the strip's `fromEnd`-th last cell at `yFraction` of its height (0 top, 1 bottom): [r, g, b, alpha]. */
function stripPixel(strip: Locator, fromEnd: number, yFraction: number): Promise<number[]> {
  return strip.locator('canvas').evaluate(
    (canvas: Canvas, [k, y]) => {
      const ctx = canvas.getContext('2d')!;
      // The strip draws 50 slots (fewer when narrow) right-aligned, 2 CSS px apart.
      const dpr = devicePixelRatio || 1;
      const width = canvas.width / dpr;
      const fit = Math.max(1, Math.min(50, Math.floor((width + 2) / 5)));
      const bar = (width - (fit - 1) * 2) / fit;
      const x = (fit - k) * (bar + 2) + bar / 2;
      const py = Math.min(canvas.height - 1, Math.floor(y * canvas.height));
      return [...ctx.getImageData(Math.floor(x * dpr), py, 1, 1).data];
    },
    [fromEnd, yFraction] as const,
  );
}

describe('a failed check while retries remain (bug 3)', () => {
  it('is drawn as failed, retrying: its own colour and shape, its own words; down once the retries are used up', async () => {
    const id = await monitor('Flaky API', { retries: 2 });
    await page.goto(`${app.url}/orgs/${orgId}`);
    const strip = row('Flaky API').locator('.strip[role=img]');
    await check(id);
    await row('Flaky API', 'up').waitFor();
    const up = await cssColor('--up');
    const retrying = await cssColor('--retrying');
    expect(retrying).not.toEqual(up);
    await expect.poll(async () => (await stripPixel(strip, 1, 0.9)).slice(0, 3)).toEqual(up);

    await target.stop();
    await check(id);
    await expect.poll(() => strip.getAttribute('aria-label')).toMatch(/, 1 failed \(retrying\)$/);
    expect((await stripPixel(strip, 1, 0.9)).slice(0, 3)).toEqual(retrying);
    expect((await stripPixel(strip, 1, 0.1))[3]).toBe(0); // shorter than a full cell: not only another colour
    expect(await row('Flaky API', 'up').count()).toBe(1); // the monitor is not down yet
    const box = (await strip.locator('canvas').boundingBox())!;
    await page.mouse.move(box.x + box.width - 2, box.y + box.height / 2);
    await page.locator('.tip', { hasText: 'Failed, retrying' }).waitFor();

    await check(id);
    await expect.poll(() => strip.getAttribute('aria-label')).toMatch(/, 2 failed \(retrying\)$/);
    await check(id); // retries used up
    await row('Flaky API', 'down').waitFor();
    await expect.poll(() => strip.getAttribute('aria-label')).toMatch(/: 1 up, 1 down, 2 failed \(retrying\)$/);
    expect((await stripPixel(strip, 1, 0.1)).slice(0, 3)).toEqual(await cssColor('--down'));
    expect((await stripPixel(strip, 2, 0.9)).slice(0, 3)).toEqual(retrying);

    // The monitor's page: its chart marks the retried failures apart from the one that took it down.
    await row('Flaky API').click();
    await page.locator('.u-legend', { hasText: 'Failed, retrying' }).waitFor();
    await target.start();
    expect(errors).toEqual([]);
  });
});

describe('a fresh monitor with two checks (bug 9)', () => {
  let id = '';

  it('its 90-day bars read the figure its cards show, and today has its number', async () => {
    id = await monitor('Fresh API');
    await page.goto(`${app.url}/orgs/${orgId}/monitors/${id}`);
    await page.getByText('No checks in the last 24 hours.').waitFor();
    for (let i = 0; i < 2; i++) {
      const done = page.waitForResponse((r) => r.url().endsWith(`/monitors/${id}/check`));
      await page.getByRole('button', { name: 'Run check now' }).click();
      expect((await done).status()).toBe(200);
    }
    const card = page.locator('.stat', { hasText: 'Uptime 90 days' }).locator('dd');
    await expect.poll(() => card.textContent()).toBe('100%');
    const bars = page.locator('section', { has: page.getByRole('heading', { name: 'Last 90 days' }) });
    await expect.poll(() => bars.locator('.overall').textContent()).toBe('100% uptime');
    await expect.poll(() => bars.locator('li').last().getAttribute('aria-label')).toMatch(/: 100% up · \d+ checks/);
  });

  it('its 24 h chart spans the 24 hours up to now, not the second between the checks', async () => {
    const over = page.locator('.u-over');
    await over.waitFor();
    const box = (await over.boundingBox())!;
    // Hovering the left edge, uPlot marks the nearest check: on a 24 h axis both sit at the right end.
    await page.mouse.move(box.x + 3, box.y + box.height / 2);
    // Where uPlot put that mark, in px from the plot's left edge.
    const markX = () => page.locator('.u-cursor-pt').first().evaluate((el: { style: { transform: string } }) => Number(/translate\(([-\d.]+)px/.exec(el.style.transform)?.[1] ?? NaN));
    await expect.poll(markX).toBeGreaterThan(box.width * 0.97);
    expect(errors).toEqual([]);
  });
});

describe('one monitor, one uptime (bug 2)', () => {
  it('reads the same on the dashboard row (live), the monitor page, the status page and the badge', async () => {
    const id = await monitor('Checkout', { retries: 2, intervalSeconds: HISTORY_INTERVAL });
    const history = new UptimeHistory(app, orgId, id);
    history.firstPart();
    await app.monitoring.writer.flush();
    await page.goto(`${app.url}/orgs/${orgId}`);
    // The figure as shown (the cell also names it for screen readers).
    const uptime = async () => (await row('Checkout').locator('.uptime').textContent())?.replace('Uptime 24 hours:', '').trim();
    await expect.poll(uptime).toBe('91.54%'); // 6,495 of 7,095 s so far
    // The rest arrives live: the row adds each check the way the server counts it.
    history.secondPart();
    await expect.poll(uptime).toBe(HISTORY_PRINTED);
    await app.monitoring.writer.flush();

    await row('Checkout').click();
    for (const label of ['Uptime 24 h', 'Uptime 7 days', 'Uptime 30 days', 'Uptime 90 days']) {
      await expect.poll(() => page.locator('.stat', { hasText: label }).locator('dd').textContent()).toBe(HISTORY_PRINTED);
    }
    await expect.poll(() => page.locator('.overall').textContent()).toBe(`${HISTORY_PRINTED} uptime`);

    const created = await api<{ components: Array<{ id: string }> }>('POST', `/orgs/${orgId}/status-pages`, { slug: 'acme', title: 'Acme', components: [{ name: 'Checkout', monitorIds: [id] }] });
    expect(created.status).toBe(201);
    await app.statusPages.store.refreshAll();
    await page.goto(`${app.url}/status/acme`);
    await page.locator('.legend', { hasText: `${HISTORY_PRINTED} uptime` }).waitFor();
    const badge = await page.goto(`${app.url}/status/acme/components/${created.body.components[0]!.id}/badge.svg?type=uptime`);
    expect(await badge!.text()).toContain(`<title>Checkout uptime: ${HISTORY_PRINTED}</title>`);
    expect(errors).toEqual([]);
  });
});
