/**
 * Issue 13 in Chromium against a whole PingPage: bug 7 (the custom domain's advice is a DNS record
 * DNS can hold: A/AAAA for an address, CNAME for a name, never a port; shown with the TXT proof
 * in one table) and rough edge 4 (the status page screen shows the page's public links and badges
 * with snippets, each answering; the public page links its JSON and feeds; a password-protected
 * page says why it offers none of them).
 */
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../server/testing/app.js';
import { signUp } from '../server/testing/client.js';
import { screenshotFailures, watchErrors } from './browser.js';
import { inviteLink, PASSWORD, signInPage, signUpMember, startBrowserApp, type Api } from './harness.js';
import { NARROW, screens, WIDE } from './screens.js';

let app: TestApp;
let browser: Browser;
let owner: BrowserContext;
let api: Api;
let page: Page;
let errors: string[];
let orgId: string;
let pageId: string;
let token: string;
/** The created page's admin answer. */
let links: { page: string; json: string; atom: string; rss: string; badge: { status: string; uptime: string }; components: Array<{ id: string; name: string }> };

beforeAll(async () => {
  ({ app, browser, owner, api } = await startBrowserApp({ context: { viewport: WIDE } }));
  ({ orgId } = await signUp(app.url, 'ada@example.com', { password: PASSWORD, orgName: 'Acme' }));
  page = await owner.newPage();
  errors = watchErrors(page);
  await signInPage(page, app.url, 'ada@example.com', orgId);
  const created = await api('POST', `/orgs/${orgId}/status-pages`, {
    slug: 'acme',
    title: 'Acme',
    customDomain: 'status.acme.test',
    components: [
      { name: 'API', status: 'operational' },
      { name: 'Website', status: 'degraded_performance' },
    ],
  });
  expect(created.status).toBe(201);
  ({ id: pageId, links } = created.body);
  token = created.body.domainVerification.token;
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

screenshotFailures('status-page-links-failed-', () => page, 50);

/** Each row of a table as the text of its cells' code (or the cell's text when it has none). */
const tableRows = (table: Locator) =>
  table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => (td.querySelector('code') ?? td).textContent!.trim())));

/** An image element has loaded and decoded its picture. */
const LOADED = (el: unknown) => {
  const img = el as { complete: boolean; naturalWidth: number };
  return img.complete && img.naturalWidth > 0;
};
/** The path of an absolute URL: how the public page links its own documents. */
const path = (url: string) => new URL(url).pathname;

/** GET a URL the page shows: its status, content type and body. */
async function get(url: string) {
  const res = await fetch(url);
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}

describe('bug 7: the custom domain’s DNS records', () => {
  it('names an A record of PUBLIC_URL’s address with no port, next to the TXT proof, in one table with copy buttons', async () => {
    await page.goto(`${app.url}/orgs/${orgId}/status-pages/${pageId}`);
    const field = page.locator('#sp-customDomain');
    await field.waitFor();
    const hostAndPort = new URL(app.config.PUBLIC_URL).host; // 127.0.0.1:<port>
    // Main said: "Point it (a CNAME record) at 127.0.0.1:<port>": no DNS record holds a port.
    const hint = await page.locator('#sp-customDomain-hint').textContent();
    expect(hint).not.toContain(hostAndPort);
    expect(hint).not.toMatch(/CNAME record\) at/);

    const table = page.getByRole('table', { name: 'DNS records to add at your DNS provider' });
    await table.waitFor();
    expect(await tableRows(table)).toEqual([
      ['A', 'status.acme.test', '127.0.0.1'],
      ['TXT', '_pingpage.status.acme.test', token],
    ]);
    expect(await table.textContent()).not.toContain(hostAndPort);
    const proof = page.getByRole('group', { name: /Not verified yet/ });
    await proof.getByText('DNS records carry no port: the proxy in front of PingPage must answer status.acme.test on ports 443 (HTTPS) and 80').waitFor();
    // 127.0.0.1 is this machine's own address: the form says the record cannot work for visitors yet.
    await proof.getByRole('note').getByText(`PUBLIC_URL is ${app.config.PUBLIC_URL}`).waitFor();

    await owner.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.url });
    await table.getByRole('button', { name: "Copy the TXT record's value" }).click();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(token);
    await table.getByRole('button', { name: "Copy the A record's value" }).click();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe('127.0.0.1');
    await screens(page, 'status-page-dns');
    expect(errors).toEqual([]);
  });
});

describe('rough edge 4: links and badges', () => {
  const panel = () => page.getByRole('region', { name: 'Links and badges' });

  it('shows the page, JSON and feed addresses, each answering 200 with its content type', async () => {
    const shown = await panel().locator('dl a').evaluateAll((as) => as.map((a) => [a.closest('div')!.querySelector('dt')!.textContent, a.getAttribute('href')]));
    expect(shown).toEqual([
      ['Public page', links.page],
      ['JSON', links.json],
      ['Atom feed', links.atom],
      ['RSS feed', links.rss],
    ]);
    const types = [/^text\/html/, /^application\/json/, /^application\/atom\+xml/, /^application\/rss\+xml/];
    for (const [i, [, url]] of shown.entries()) {
      const res = await get(url!);
      expect([url, res.status]).toEqual([url, 200]);
      expect(res.type).toMatch(types[i]!);
    }
    expect(JSON.parse((await get(links.json)).text).slug).toBe('acme');
  });

  it('previews the page badge and offers its Markdown and HTML, then any component’s uptime badge', async () => {
    const preview = panel().getByTestId('badge-preview');
    const snippet = (label: string) => panel().locator('.snippet', { hasText: label }).locator('code').textContent();
    const loaded = () => preview.evaluate(LOADED);
    await expect.poll(loaded).toBe(true);
    expect(await snippet('Markdown')).toBe(`[![Acme status](${links.badge.status})](${links.page})`);
    expect(await snippet('HTML')).toBe(`<a href="${links.page}"><img src="${links.badge.status}" alt="Acme status"></a>`);
    const pageBadge = await get(links.badge.status);
    expect([pageBadge.status, pageBadge.type]).toEqual([200, expect.stringMatching(/^image\/svg\+xml/)]);
    expect(pageBadge.text).toContain('aria-label="status: degraded"');

    await panel().getByLabel('Of').selectOption({ label: 'Website' });
    await panel().getByLabel('Shows').selectOption({ label: 'Uptime, last 90 days' });
    const website = links.components.find((c) => c.name === 'Website')!;
    const url = `${links.page}/components/${website.id}/badge.svg?type=uptime`;
    await expect.poll(() => snippet('Image URL')).toBe(url);
    expect(await snippet('Markdown')).toBe(`[![Website uptime](${url})](${links.page})`);
    await expect.poll(loaded).toBe(true);
    expect(await preview.getAttribute('alt')).toBe('Website uptime');
    const badge = await get((await snippet('Image URL'))!);
    expect([badge.status, badge.type]).toEqual([200, expect.stringMatching(/^image\/svg\+xml/)]);
    expect(badge.text).toContain('Website uptime');
    await screens(page, 'status-page-links');
    expect(errors).toEqual([]);
  });

  it('the public page names its feeds and JSON in the head and links them in the footer, each answering', async () => {
    const pub = await owner.newPage();
    await pub.goto(links.page);
    const alternates = await pub.locator('link[rel="alternate"]').evaluateAll((ls) => ls.map((l) => [l.getAttribute('type'), l.getAttribute('href')]));
    expect(alternates).toEqual([
      ['application/atom+xml', path(links.atom)],
      ['application/rss+xml', path(links.rss)],
      ['application/json', path(links.json)],
    ]);
    const footer = pub.locator('footer');
    for (const [name, url, type] of [['Atom', links.atom, /^application\/atom\+xml/], ['RSS', links.rss, /^application\/rss\+xml/], ['JSON', links.json, /^application\/json/]] as const) {
      expect(await footer.getByRole('link', { name, exact: true }).getAttribute('href')).toBe(path(url));
      const res = await get(url);
      expect([name, res.status]).toEqual([name, 200]);
      expect(res.type).toMatch(type);
    }
    await screens(pub, 'status-page-public');
    await pub.close();
  });

  it('a password-protected page offers only its address and says why', async () => {
    expect((await api('PATCH', `/orgs/${orgId}/status-pages/${pageId}`, { password: 'long enough secret' })).status).toBe(200);
    await page.reload();
    await panel().getByText('This page asks for a password, so its JSON, feeds and badges answer only in a browser that unlocked it').waitFor();
    expect(await panel().locator('dl dt').allTextContents()).toEqual(['Public page']);
    expect(await panel().getByTestId('badge-preview').count()).toBe(0);
    expect(await panel().locator('code').count()).toBe(0);
    // What the note says: without the unlock, each answers 401.
    for (const url of [links.json, links.atom, links.badge.status]) expect((await get(url)).status).toBe(401);
    await screens(page, 'status-page-links-protected');
    expect((await api('PATCH', `/orgs/${orgId}/status-pages/${pageId}`, { password: null })).status).toBe(200);
    expect(errors).toEqual([]);
  });

  it('a member sees the same links and badges on the read-only screen', async () => {
    const link = await inviteLink(api, orgId, 'bob@example.com');
    const { context, page: member, errors: memberErrors } = await signUpMember(browser, orgId, { name: 'Bob', email: 'bob@example.com', link, context: { viewport: NARROW } });
    try {
      await member.goto(`${app.url}/orgs/${orgId}/status-pages/${pageId}`);
      const region = member.getByRole('region', { name: 'Links and badges' });
      await region.getByRole('link', { name: links.json }).waitFor();
      await expect.poll(() => region.getByTestId('badge-preview').evaluate(LOADED)).toBe(true);
      await screens(member, 'status-page-links-member');
      expect(memberErrors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);
});
