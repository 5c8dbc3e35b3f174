/**
 * A password-protected status page in Chromium (hole 11): after the password, the page goes live
 * and shows a new incident without a reload, although its unlock cookie is scoped to the page's
 * path (the socket subscribes with a live token); the cookie never travels with another page's
 * requests, not even one whose slug starts with this one's.
 */
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, type TestClient } from '../server/testing/client.js';
import type { TestApp } from '../server/testing/app.js';
import { screenshotFailures, watchErrors } from './browser.js';
import { startBrowserApp } from './harness.js';

let app: TestApp;
let browser: Browser;
let visitor: BrowserContext;
let page: Page;
let errors: string[];
let owner: TestClient;
let orgId: string;
const ids: Record<string, string> = {};
const PASSWORD = 'open sesame';

beforeAll(async () => {
  const started = await startBrowserApp({ env: { PINGPAGE_SIGNUP: 'open' }, context: { viewport: { width: 1200, height: 900 } } });
  ({ app, browser } = started);
  visitor = started.owner; // a visitor: nobody signs in in this context
  ({ client: owner, orgId } = await signUp(app.url, 'owner@example.com', { orgName: 'Acme' }));
  for (const slug of ['alpha', 'alphabet', 'beta']) {
    const res = await owner.post(`/orgs/${orgId}/status-pages`, { slug, title: `Page ${slug}`, password: PASSWORD, components: [{ name: `${slug} API` }] });
    expect(res.status).toBe(201);
    ids[slug] = res.body.id;
  }
  page = await visitor.newPage();
  errors = watchErrors(page);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

screenshotFailures('statuspage-password-', () => page);

const cookieName = (slug: string) => `pp_sp_${ids[slug]!.replace(/-/g, '')}`;

/** The Cookie header Chromium sent with the document request for `url`. */
async function cookieSentTo(url: string): Promise<string> {
  const [request] = await Promise.all([page.waitForRequest((r: Request) => r.url() === url && r.resourceType() === 'document'), page.goto(url)]);
  return (await request.allHeaders()).cookie ?? '';
}

describe('a protected status page in a browser', () => {
  it('asks for the password, then shows the page and goes live', async () => {
    await page.goto(`${app.url}/status/alpha`);
    await page.getByLabel('Password').fill('not it');
    await page.getByRole('button', { name: 'View status' }).click();
    await page.getByText('Wrong password.').waitFor();
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'View status' }).click();
    await page.waitForURL(`${app.url}/status/alpha`);
    await page.getByText('alpha API').waitFor();
    await page.locator('#live.on').waitFor({ timeout: 10_000 });
    expect(errors).toEqual([]);
  });

  it('the unlock cookie lives on /status/alpha only', async () => {
    const unlock = (await visitor.cookies()).filter((c) => c.name.startsWith('pp_sp_'));
    expect(unlock).toEqual([expect.objectContaining({ name: cookieName('alpha'), path: '/status/alpha', httpOnly: true, sameSite: 'Lax' })]);
    expect(await visitor.cookies(app.url)).toEqual([]); // not one the site's root would get
    expect(await cookieSentTo(`${app.url}/status/alpha`)).toContain(cookieName('alpha'));
    expect(await cookieSentTo(`${app.url}/status/alphabet`)).not.toContain('pp_sp_');
    expect(await cookieSentTo(`${app.url}/status/beta`)).not.toContain('pp_sp_');
    expect(await cookieSentTo(`${app.url}/`)).not.toContain('pp_sp_');
  });

  it('an incident posted now appears on the open page without a reload', async () => {
    await page.goto(`${app.url}/status/alpha`);
    await page.locator('#live.on').waitFor({ timeout: 10_000 });
    const marker = await page.evaluate('window.marker = Math.random()');
    const res = await owner.post(`/orgs/${orgId}/incidents`, {
      title: 'Login errors for some users',
      impact: 'minor',
      status: 'investigating',
      message: 'We are looking into it.',
      statusPageIds: [ids.alpha],
      components: [],
    });
    expect(res.status).toBe(201);
    await page.getByText('Login errors for some users').first().waitFor({ timeout: 10_000 });
    expect(await page.evaluate('window.marker')).toBe(marker); // the same document: no reload
    expect(errors).toEqual([]);
  });
});
