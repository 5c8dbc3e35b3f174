/**
 * Invitations in Chromium against a whole PingPage (open signup, so an impostor can make an
 * account): the owner invites by link on the Members page; the invitee opens the link in a fresh
 * context, signs up there and lands in the organization; an impostor who signs up with an invited
 * address but without the link sees none of it; an existing account accepts with a button, a wrong
 * account is told so; resend kills the old link, revoke the current one.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../server/testing/app.js';
import { DESKTOP, PHONE, screenshot, screenshotFailures, watchErrors } from './browser.js';
import { PASSWORD, signUpFirstOwner, startBrowserApp, type Api } from './harness.js';

let app: TestApp;
let browser: Browser;
let owner: BrowserContext;
let api: Api;
let page: Page;
let errors: string[];
let orgId = '';
let bobLink = '';
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  ({ app, browser, owner, api } = await startBrowserApp({ env: { PINGPAGE_SIGNUP: 'open' }, context: { viewport: DESKTOP } }));
  page = await owner.newPage();
  errors = watchErrors(page);
}, 120_000);

afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
  await app?.stop();
});

screenshotFailures('failed-invitations-', () => page, 60);

/** A fresh browser context: no cookie, nothing shared with the owner's. */
async function fresh(viewport = PHONE): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport });
  contexts.push(context);
  const p = await context.newPage();
  return { page: p, errors: watchErrors(p) };
}

/** The organizations the page's signed-in account belongs to, asked with its own cookie. */
const orgsSeenBy = async (p: Page) => ((await (await p.request.get(`${app.url}/api/v1/auth/me`)).json()).orgs as Array<{ id: string; name: string }>).map((o) => o.name);

async function inviteOnPage(email: string, role: 'member' | 'admin'): Promise<string> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Role', { exact: true }).selectOption(role);
  await page.getByRole('button', { name: 'Invite' }).click();
  const link = (await page.getByTestId('invite-link').textContent())!.trim();
  expect(link).toMatch(new RegExp(`^${app.url}/invite/pp_inv_[A-Za-z0-9_-]{43}$`));
  return link;
}

const pendingRow = (email: string) => page.getByRole('region', { name: /Pending invitations/ }).getByRole('row', { name: new RegExp(email.replace('.', '\\.')) });
const peopleRow = (email: string) => page.getByRole('region', { name: /People/ }).getByRole('row', { name: new RegExp(email.replace('.', '\\.')) });

describe('invitations', () => {
  it('the owner invites by link on the Members page: the link is shown once, the invitation is pending, nobody joined', async () => {
    orgId = await signUpFirstOwner(page, app.url);
    await page.goto(`${app.url}/orgs/${orgId}/members`);
    bobLink = await inviteOnPage('bob@example.com', 'member');
    await page.getByText('Copy it now').waitFor();
    await pendingRow('bob@example.com').waitFor();
    await screenshot(page, 'invitations-members-link');
    await page.getByRole('button', { name: 'Done' }).click();
    expect(await page.getByTestId('invite-link').count()).toBe(0);
    await inviteOnPage('carol@example.com', 'admin'); // the link Carol's impostor never sees
    await page.getByRole('button', { name: 'Done' }).click();
    await pendingRow('carol@example.com').waitFor();
    expect(await peopleRow('bob@example.com').count()).toBe(0);
    expect(await page.getByText(/pp_inv_/).count()).toBe(0); // listed invitations show no link
  });

  it('Bob opens the link in a fresh context, creates his account there and lands in the organization', async () => {
    const bob = await fresh();
    await bob.page.goto(bobLink);
    const offer = bob.page.getByTestId('invitation');
    await offer.waitFor();
    expect((await offer.textContent())!.replace(/\s+/g, ' ')).toContain('Ada Lovelace invited bob@example.com to join Acme on PingPage as a member.');
    const email = bob.page.getByLabel('Email');
    expect(await email.inputValue()).toBe('bob@example.com');
    expect(await email.getAttribute('readonly')).not.toBeNull();
    await screenshot(bob.page, 'invitations-accept-signed-out-phone');
    await bob.page.getByLabel('Your name').fill('Bob');
    await bob.page.getByLabel('Password').fill(PASSWORD);
    await bob.page.getByRole('button', { name: 'Create account' }).click();
    await bob.page.waitForURL(`**/orgs/${orgId}`);
    await bob.page.getByText('No monitors yet').waitFor();
    expect(await orgsSeenBy(bob.page)).toEqual(['Acme']);
    expect(bob.errors).toEqual([]);

    await page.reload();
    await peopleRow('bob@example.com').waitFor();
    expect(await pendingRow('bob@example.com').count()).toBe(0);
    // The link was used: opening it again says so.
    await bob.page.goto(bobLink);
    await bob.page.getByRole('heading', { name: 'This invitation link does not work' }).waitFor();
  });

  it('an impostor who signs up with an invited address but without the link sees no sign of the organization', async () => {
    const impostor = await fresh();
    await impostor.page.goto(`${app.url}/sign-up`);
    await impostor.page.getByLabel('Your name').fill('Not Carol');
    await impostor.page.getByLabel('Email').fill('carol@example.com');
    await impostor.page.getByLabel('Password').fill(PASSWORD);
    await impostor.page.getByRole('button', { name: 'Create account' }).click();
    await impostor.page.waitForURL(/\/orgs\/[0-9a-f-]{36}$/);
    expect(new URL(impostor.page.url()).pathname).not.toBe(`/orgs/${orgId}`);
    expect(await orgsSeenBy(impostor.page)).not.toContain('Acme');
    await impostor.page.goto(`${app.url}/orgs/${orgId}`);
    await impostor.page.getByRole('heading', { name: 'Organization not found' }).waitFor();
    expect(await impostor.page.getByText('Acme').count()).toBe(0);
    expect(impostor.errors).toEqual([]);

    await page.reload();
    await pendingRow('carol@example.com').waitFor(); // still waiting for whoever holds the link
    expect(await peopleRow('carol@example.com').count()).toBe(0);
  });

  it('an existing account accepts with a button; another signed-in account is told the invitation is not for it', async () => {
    const dave = await fresh(DESKTOP);
    await dave.page.goto(`${app.url}/sign-up`);
    await dave.page.getByLabel('Your name').fill('Dave');
    await dave.page.getByLabel('Email').fill('dave@example.com');
    await dave.page.getByLabel('Password').fill(PASSWORD);
    await dave.page.getByRole('button', { name: 'Create account' }).click();
    await dave.page.waitForURL(/\/orgs\/[0-9a-f-]{36}$/);

    const erinLink = await inviteOnPage('erin@example.com', 'member');
    await page.getByRole('button', { name: 'Done' }).click();
    await dave.page.goto(erinLink);
    await dave.page.getByText('but this invitation is for erin@example.com').waitFor();
    expect(await dave.page.getByRole('button', { name: /Accept/ }).count()).toBe(0);
    await screenshot(dave.page, 'invitations-wrong-account');

    const daveLink = await inviteOnPage('dave@example.com', 'admin');
    await page.getByRole('button', { name: 'Done' }).click();
    expect(await peopleRow('dave@example.com').count()).toBe(0); // an existing account is invited, not added
    await dave.page.goto(daveLink);
    await dave.page.getByRole('button', { name: 'Accept and join Acme' }).waitFor();
    await screenshot(dave.page, 'invitations-accept-signed-in');
    await dave.page.getByRole('button', { name: 'Accept and join Acme' }).click();
    await dave.page.waitForURL(`**/orgs/${orgId}`);
    expect(await orgsSeenBy(dave.page)).toContain('Acme');
    expect(dave.errors).toEqual([]);
  });

  it('resend shows a new link and the old one stops working; revoke kills the new one', async () => {
    await page.goto(`${app.url}/orgs/${orgId}/members`);
    await pendingRow('erin@example.com').waitFor();
    const old = (await api<Array<{ email: string }>>('GET', `/orgs/${orgId}/invitations`)).body.find((i) => i.email === 'erin@example.com');
    expect(old).toBeDefined();
    await pendingRow('erin@example.com').getByRole('button', { name: /Resend/ }).click();
    const again = (await page.getByTestId('invite-link').textContent())!.trim();
    await page.getByRole('button', { name: 'Done' }).click();
    const visitor = await fresh();
    await visitor.page.goto(again);
    await visitor.page.getByTestId('invitation').waitFor();
    await pendingRow('erin@example.com').getByRole('button', { name: /Revoke/ }).click();
    await page.getByText('Invitation for erin@example.com revoked').waitFor();
    expect(await pendingRow('erin@example.com').count()).toBe(0);
    await visitor.page.reload();
    await visitor.page.getByRole('heading', { name: 'This invitation link does not work' }).waitFor();
    await screenshot(visitor.page, 'invitations-dead-link-phone');
    expect(errors).toEqual([]);
  });
});
