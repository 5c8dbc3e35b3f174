/**
 * What the browser tests of a whole PingPage share: the app started and Chromium taken together, the
 * owner's API through the browser's own session, and signing people up through the pages.
 */
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import type { StartOptions } from '../server/main.js';
import { startTestApp, type TestApp } from '../server/testing/app.js';
import { browserForFile, buildClient, clientDist, watchErrors } from './browser.js';

/** Everyone's password in the browser tests. */
export const PASSWORD = 'correct horse battery';

export type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
/** A JSON call to the API, answering its status and its body (undefined when empty, the text when not JSON). */
export type Api = <T = any>(method: Method, path: string, data?: unknown) => Promise<{ status: number; body: T }>;

export interface BrowserApp {
  app: TestApp;
  browser: Browser;
  /** The owner's browser context (nobody is signed in yet). */
  owner: BrowserContext;
  /** The API (`path` after /api/v1) as whoever is signed in in `owner`: its session cookie, and our Origin for the CSRF check. */
  api: Api;
}

/**
 * Builds the client if needed, starts a whole PingPage serving it (with `env` on top of the test
 * defaults, and `start`'s knobs), takes the test process's Chromium (browserForFile) and opens the
 * owner's context with `context`. What started is stopped again if a later step fails; otherwise
 * closing `browser` (the file's contexts) and stopping `app` is the caller's.
 */
export async function startBrowserApp(opts: { env?: Record<string, string>; start?: StartOptions; context: BrowserContextOptions }): Promise<BrowserApp> {
  await buildClient();
  const app = await startTestApp(opts.env ?? {}, { ...opts.start, clientDir: clientDist });
  let browser: Browser | undefined;
  try {
    browser = await browserForFile();
    const owner = await browser.newContext(opts.context);
    return { app, browser, owner, api: apiAs(owner, app.url) };
  } catch (e) {
    await browser?.close();
    await app.stop();
    throw e;
  }
}

function apiAs(context: BrowserContext, base: string): Api {
  return async (method, path, data) => {
    const res = await context.request.fetch(`${base}/api/v1${path}`, { method, data, headers: { Origin: base } });
    const text = await res.text();
    let body: any = undefined;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    return { status: res.status(), body };
  };
}

/**
 * Opens a fresh PingPage, which sends its first visitor to /setup, and signs up there as Ada
 * (ada@example.com), owner of the organization Acme. Answers the new organization's id.
 */
export async function signUpFirstOwner(page: Page, base: string): Promise<string> {
  await page.goto(base);
  await page.waitForURL('**/setup');
  await page.getByLabel('Your name').fill('Ada Lovelace');
  await page.getByLabel('Email').fill('ada@example.com');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByLabel('Organization name').fill('Acme');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL(/\/orgs\/[0-9a-f-]{36}$/);
  return new URL(page.url()).pathname.split('/')[2]!;
}

/** Signs in on the sign-in page as `email` (everyone's PASSWORD) and waits for the organization `orgId`. */
export async function signInPage(page: Page, base: string, email: string, orgId: string): Promise<void> {
  await page.goto(`${base}/sign-in`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`**/orgs/${orgId}`);
}

/** Invites `email` into `orgId` through the API as whoever `api` is signed in as, and answers the invitation link (no SMTP: it is answered once). */
export async function inviteLink(api: Api, orgId: string, email: string, role: 'owner' | 'admin' | 'member' = 'member'): Promise<string> {
  const res = await api<{ link?: string }>('POST', `/orgs/${orgId}/members`, { email, role });
  if (res.status !== 201 || !res.body.link) throw new Error(`invite ${email}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.link;
}

/**
 * Someone invited to `orgId` opens their invitation `link` in a browser context of their own
 * (opened with `who.context`), creates their account there (the email is the invitation's) and
 * lands on the organization. Answers the context, its page, and the page's errors (watchErrors)
 * for the test to check; closing the context is the test's.
 */
export async function signUpMember(
  browser: Browser,
  orgId: string,
  who: { name: string; email: string; link: string; context: BrowserContextOptions },
): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext(who.context);
  try {
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(who.link);
    await page.getByTestId('invitation').waitFor();
    const email = page.getByLabel('Email');
    if ((await email.inputValue()) !== who.email || (await email.getAttribute('readonly')) === null) throw new Error(`the invitation page does not lock the email to ${who.email}`);
    await page.getByLabel('Your name').fill(who.name);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL(`**/orgs/${orgId}`);
    return { context, page, errors };
  } catch (e) {
    await context.close();
    throw e;
  }
}
