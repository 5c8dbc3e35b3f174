/**
 * Incidents and maintenance through the dashboard's screens, in a real browser against a whole
 * PingPage: an owner declares an incident on a status page component, posts and corrects an
 * update, sees the public page follow, resolves it; schedules a maintenance window (the server's
 * refusal shown on the right field first) and sees it listed as upcoming and announced publicly;
 * a member sees all of it read-only on a phone. Screenshots land in test-artifacts/incidents-*.
 */
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../server/testing/app.js';
import { DESKTOP, PHONE, screenshot, screenshotFailures, Target, watchErrors } from './browser.js';
import { inviteLink, signUpFirstOwner, signUpMember, startBrowserApp, type Api } from './harness.js';

/** The browser's zone: inputs are read in it, the API speaks UTC. */
const ZONE = 'Europe/Berlin';

let app: TestApp;
let browser: Browser;
let owner: BrowserContext;
/** A JSON call as the signed-in owner (the context's cookie; Origin for the CSRF check). */
let call: Api;
let page: Page;
let errors: string[];
const target = new Target();
let orgId = '';
let checkoutMonitor = '';
let incidentUrl = '';

beforeAll(async () => {
  await target.start();
  ({ app, browser, owner, api: call } = await startBrowserApp({ context: { viewport: DESKTOP, timezoneId: ZONE, colorScheme: 'light' } }));
  page = await owner.newPage();
  errors = watchErrors(page);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await target.stop();
});

screenshotFailures('incidents-failed-', () => page, 60);

/** Wall-clock parts of an instant in ZONE. */
function zoned(ms: number): { date: string; offsetMinutes: number } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit', timeZoneName: 'longOffset' })
      .formatToParts(new Date(ms))
      .map((p) => [p.type, p.value]),
  );
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(parts.timeZoneName ?? '');
  const offsetMinutes = m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
  return { date: `${parts.year}-${parts.month}-${parts.day}`, offsetMinutes };
}

/** "YYYY-MM-DDTHH:mm" in ZONE → the UTC instant it names. */
function zonedToIso(local: string): string {
  const guess = Date.parse(local + ':00Z');
  return new Date(guess - zoned(guess).offsetMinutes * 60_000).toISOString();
}

const timeline = (p: Page) => p.locator('ol.timeline > li');

/** The public status page in a new tab of the owner's browser, and the card titled `title` in one of its lists. */
async function publicCard(list: '#incident-list' | '#maintenance-list', title: string): Promise<{ visitor: Page; card: Locator }> {
  const visitor = await owner.newPage();
  await visitor.goto(`${app.url}/status/acme`);
  return { visitor, card: visitor.locator(`${list} article`, { hasText: title }) };
}

describe('incidents and maintenance screens', () => {
  it('signs up, and gets a monitor and a status page with a component through the API', async () => {
    orgId = await signUpFirstOwner(page, app.url);

    const monitor = (name: string) => call<{ id: string }>('POST', `/orgs/${orgId}/monitors`, { name, probe: 'http', config: { url: target.url }, intervalSeconds: 300 });
    const checkout = await monitor('Checkout API');
    const website = await monitor('Website');
    expect([checkout.status, website.status]).toEqual([201, 201]);
    checkoutMonitor = checkout.body.id;
    const statusPage = await call('POST', `/orgs/${orgId}/status-pages`, {
      slug: 'acme',
      title: 'Acme status',
      components: [
        { name: 'Checkout', monitorIds: [checkout.body.id] },
        { name: 'Website', group: 'Web', monitorIds: [website.body.id] },
      ],
    });
    expect(statusPage.status).toBe(201);
  });

  it('declares an incident through the form, affecting a component', async () => {
    await page.getByRole('link', { name: 'Incidents', exact: true }).click();
    await page.waitForURL('**/incidents');
    await page.getByText('No open incidents').waitFor();
    await page.getByRole('link', { name: 'Declare incident' }).click();
    await page.waitForURL('**/incidents/new');

    // Nothing typed: the browser says what is missing, on the fields, before sending anything.
    await page.getByRole('button', { name: 'Declare incident' }).click();
    await page.locator('#f-title-error').waitFor();
    await page.locator('#f-message-error').waitFor();
    expect(await page.locator('#f-title').getAttribute('aria-invalid')).toBe('true');

    await page.getByLabel('Title').fill('Checkout errors');
    await page.getByRole('group', { name: 'Impact' }).getByRole('radio', { name: /^Major/ }).check();
    await page.getByLabel('First update').fill('We see **errors** when paying.\n\n- card payments fail\n- carts still load');
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.getByRole('region', { name: 'Markdown preview' }).locator('strong', { hasText: 'errors' }).waitFor();
    // The only page is ticked already; its components are listed to pick from.
    expect(await page.getByRole('checkbox', { name: /Acme status/ }).isChecked()).toBe(true);
    await page.getByRole('checkbox', { name: 'Checkout' }).check();
    await page.getByLabel('Status of Checkout').selectOption('major_outage');
    await screenshot(page, 'incidents-new');

    const sent = page.waitForRequest((r) => r.url().endsWith(`/orgs/${orgId}/incidents`) && r.method() === 'POST');
    await page.getByRole('button', { name: 'Declare incident' }).click();
    const body = (await sent).postDataJSON();
    expect(body).toMatchObject({ title: 'Checkout errors', impact: 'major', status: 'investigating' });
    expect(body.components).toEqual([{ componentId: expect.any(String), status: 'major_outage' }]);
    await page.waitForURL(/\/incidents\/[0-9a-f-]{36}$/);
    incidentUrl = new URL(page.url()).pathname;
    await page.getByRole('heading', { name: 'Checkout errors' }).waitFor();
    // The message is Markdown, shown as elements (never as HTML from a string).
    await timeline(page).first().locator('strong', { hasText: 'errors' }).waitFor();
    await page.getByRole('complementary').getByText('Major outage').waitFor();
  });

  it('posts an update that changes the component, and corrects its wording', async () => {
    const form = page.locator('form.post');
    await form.getByRole('radio', { name: /^Identified/ }).check();
    await form.getByLabel('Message').fill('The payment provider rejects our certificate. A fix is being deployed.');
    await form.getByLabel('Checkout').selectOption('partial_outage');
    await form.getByRole('button', { name: 'Post update' }).click();
    await expect.poll(() => timeline(page).count()).toBe(2);
    expect(await timeline(page).first().textContent()).toContain('Identified');
    expect(await timeline(page).last().textContent()).toContain('Investigating');
    await page.getByRole('complementary').getByText('Partial outage').waitFor();

    await page.getByRole('button', { name: /^Edit the identified update/ }).click();
    await timeline(page).first().locator('textarea').fill('The payment provider rejects our certificate. A renewed one is being deployed.');
    await timeline(page).first().getByRole('button', { name: 'Save' }).click();
    await timeline(page).first().getByText('A renewed one is being deployed.').waitFor();
    await screenshot(page, 'incidents-detail');
  });

  it('shows the incident on the public status page', async () => {
    const { visitor, card } = await publicCard('#incident-list', 'Checkout errors');
    await card.waitFor();
    expect(await card.textContent()).toContain('Identified');
    expect(await card.textContent()).toContain('Checkout (partial outage)');
    expect(await card.textContent()).toContain('A renewed one is being deployed.');
    await screenshot(visitor, 'incidents-public-open');
    await visitor.close();
  });

  it('lists an incident declared elsewhere without a reload', async () => {
    await page.goto(`${app.url}/orgs/${orgId}/incidents`);
    await page.locator('article', { hasText: 'Checkout errors' }).waitFor();
    await page.evaluate('window.marker = 7');
    const pages = await call<Array<{ id: string; components: Array<{ id: string; name: string }> }>>('GET', `/orgs/${orgId}/status-pages`);
    const website = pages.body[0]!.components.find((c) => c.name === 'Website')!;
    const created = await call('POST', `/orgs/${orgId}/incidents`, {
      title: 'Slow website',
      impact: 'minor',
      status: 'monitoring',
      message: 'Pages load slowly; a fix is out and we are watching.',
      components: [{ componentId: website.id, status: 'degraded_performance' }],
    });
    expect(created.status).toBe(201);
    await page.locator('article', { hasText: 'Slow website' }).waitFor();
    expect(await page.evaluate('window.marker')).toBe(7);
    await screenshot(page, 'incidents-list-open');
  });

  it('resolves the incident; it moves to the history and the public page says so', async () => {
    await page.goto(`${app.url}${incidentUrl}`);
    await page.getByRole('button', { name: 'Resolve' }).click();
    const dialog = page.getByRole('dialog', { name: /^Resolve/ });
    await dialog.getByLabel('Final update').fill('A renewed certificate is in place; payments work again.');
    await dialog.getByRole('button', { name: 'Resolve incident' }).click();
    await page.locator('.pills').getByText('Resolved').waitFor();
    await page.getByRole('complementary').getByText('Operational').waitFor();
    expect(await timeline(page).count()).toBe(3);

    await page.getByRole('link', { name: 'Incidents', exact: true }).first().click();
    const history = page.getByRole('region', { name: /History/ });
    await history.getByRole('link', { name: 'Checkout errors' }).waitFor();
    expect(await page.getByRole('region', { name: /Open/ }).getByText('Checkout errors').count()).toBe(0);
    await screenshot(page, 'incidents-list');

    const { visitor, card } = await publicCard('#incident-list', 'Checkout errors');
    // The browser may show its copy of the page from a moment ago (max-age=10); the page's live
    // connection brings it up to date at once: no longer current, a resolved note, in the history.
    await card.waitFor({ state: 'detached', timeout: 2_000 });
    await visitor.locator('#resolved .note.resolved', { hasText: 'Checkout errors' }).waitFor({ timeout: 2_000 });
    await visitor.locator('#history li', { hasText: 'Checkout errors' }).locator('.pill', { hasText: 'Resolved' }).waitFor({ timeout: 2_000 });
    await visitor.close();
  });

  it('schedules maintenance: the server refuses a past window on the right field, then it is listed as upcoming', async () => {
    await page.getByRole('link', { name: 'Maintenance', exact: true }).click();
    await page.waitForURL('**/maintenances');
    await page.getByText('Nothing scheduled.').waitFor();
    await page.getByRole('link', { name: 'Schedule maintenance' }).click();
    await page.waitForURL('**/maintenances/new');
    await page.getByText(`Times are in your time zone, ${ZONE}`).waitFor();

    await page.getByLabel('Title').fill('Database upgrade');
    await page.getByLabel('Description').fill('The API may answer *slowly* for a few minutes.');
    await page.getByRole('checkbox', { name: /Checkout API/ }).check();
    expect(await page.getByRole('checkbox', { name: /Acme status/ }).isChecked()).toBe(true);

    // Yesterday: only the server knows a window must end in the future.
    const yesterday = zoned(Date.now() - 86_400_000).date;
    await page.getByLabel('Starts').fill(`${yesterday}T10:00`);
    await page.getByLabel('Ends').fill(`${yesterday}T11:00`);
    const refused = page.waitForResponse((r) => r.url().endsWith(`/orgs/${orgId}/maintenances`) && r.request().method() === 'POST');
    await page.getByRole('button', { name: 'Schedule maintenance' }).click();
    expect((await refused).status()).toBe(400);
    await page.locator('#f-endsAt-error', { hasText: 'The window must end in the future' }).waitFor();
    expect(await page.locator('#f-endsAt').getAttribute('aria-invalid')).toBe('true');
    await page.locator('#error-summary').waitFor();

    const day = zoned(Date.now() + 2 * 86_400_000).date;
    await page.getByLabel('Starts').fill(`${day}T10:00`);
    await page.getByRole('button', { name: '2 h', exact: true }).click();
    expect(await page.getByLabel('Ends').inputValue()).toBe(`${day}T12:00`);
    // The server's word on the old value goes once the field holds another.
    await expect.poll(() => page.locator('#f-endsAt-error').count()).toBe(0);
    expect(await page.locator('#f-endsAt').getAttribute('aria-invalid')).toBe('false');
    await screenshot(page, 'incidents-maintenance-new');
    const sent = page.waitForRequest((r) => r.url().endsWith(`/orgs/${orgId}/maintenances`) && r.method() === 'POST');
    await page.getByRole('button', { name: 'Schedule maintenance' }).click();
    const body = (await sent).postDataJSON();
    expect(body).toMatchObject({ title: 'Database upgrade', startsAt: zonedToIso(`${day}T10:00`), endsAt: zonedToIso(`${day}T12:00`), monitorIds: [checkoutMonitor] });
    await page.waitForURL('**/maintenances');
    const upcoming = page.getByRole('region', { name: /Upcoming/ });
    const row = upcoming.locator('li.row', { hasText: 'Database upgrade' });
    await row.waitFor();
    expect(await row.textContent()).toContain('Checkout API');
    expect(await row.textContent()).toContain('2 h');
    await screenshot(page, 'incidents-maintenances');

    const { visitor, card } = await publicCard('#maintenance-list', 'Database upgrade');
    await card.waitFor();
    expect(await card.textContent()).toContain('Scheduled');
    expect(await card.textContent()).toContain('Checkout');
    await screenshot(visitor, 'incidents-public-maintenance');
    await visitor.close();

    // Scheduled and deleted elsewhere (an API key, a colleague): the open list follows, no reload.
    await page.evaluate('window.marker = 8');
    const startsAt = new Date(Date.now() + 86_400_000).toISOString();
    const elsewhere = await call<{ id: string }>('POST', `/orgs/${orgId}/maintenances`, { title: 'Network switch swap', startsAt, endsAt: new Date(Date.parse(startsAt) + 3_600_000).toISOString() });
    expect(elsewhere.status).toBe(201);
    await upcoming.locator('li.row', { hasText: 'Network switch swap' }).waitFor({ timeout: 2_000 });
    expect((await call('DELETE', `/orgs/${orgId}/maintenances/${elsewhere.body.id}`)).status).toBe(204);
    await upcoming.locator('li.row', { hasText: 'Network switch swap' }).waitFor({ state: 'detached', timeout: 2_000 });
    expect(await page.evaluate('window.marker')).toBe(8);
  });

  it('edits an incident, and deletes one after asking', async () => {
    await page.goto(`${app.url}/orgs/${orgId}/incidents`);
    await page.getByRole('link', { name: 'Slow website' }).click();
    await page.getByRole('heading', { name: 'Slow website' }).waitFor();
    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    const edit = page.locator('form', { has: page.getByRole('heading', { name: 'Edit incident' }) });
    await edit.getByLabel('Title').fill('Slow website in Europe');
    await edit.getByRole('radio', { name: /^Major/ }).check();
    const patched = page.waitForRequest((r) => r.method() === 'PATCH' && /\/incidents\/[0-9a-f-]{36}$/.test(r.url()));
    await edit.getByRole('button', { name: 'Save changes' }).click();
    expect((await patched).postDataJSON()).toMatchObject({ title: 'Slow website in Europe', impact: 'major', components: [{ status: 'degraded_performance' }] });
    await page.getByRole('heading', { name: 'Slow website in Europe' }).waitFor();
    await page.locator('.pills').getByText('Major impact').waitFor();

    const drill = await call<{ id: string }>('POST', `/orgs/${orgId}/incidents`, { title: 'Fire drill', impact: 'none', message: 'Only a test.' });
    await page.goto(`${app.url}/orgs/${orgId}/incidents/${drill.body.id}`);
    await page.getByRole('button', { name: 'Delete' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete “Fire drill”?' });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('heading', { name: 'Fire drill' }).waitFor();
    await page.getByRole('button', { name: 'Delete' }).click();
    await dialog.getByRole('button', { name: 'Delete incident' }).click();
    await page.waitForURL(/\/incidents$/);
    await page.locator('article', { hasText: 'Slow website in Europe' }).waitFor();
    expect(await page.locator('#main').getByText('Fire drill').count()).toBe(0);
    await page.getByText('Deleted “Fire drill”').waitFor();
    expect((await call('GET', `/orgs/${orgId}/incidents/${drill.body.id}`)).status).toBe(404);
  });

  it('ends a running window now, and cancels a planned one after asking', async () => {
    const monitors = await call<Array<{ id: string; name: string }>>('GET', `/orgs/${orgId}/monitors`);
    const website = monitors.body.find((m) => m.name === 'Website')!;
    const running = await call<{ id: string }>('POST', `/orgs/${orgId}/maintenances`, {
      title: 'Switch replacement',
      startsAt: new Date(Date.now() - 10 * 60_000).toISOString(),
      endsAt: new Date(Date.now() + 50 * 60_000).toISOString(),
      monitorIds: [website.id],
    });
    const planned = await call<{ id: string }>('POST', `/orgs/${orgId}/maintenances`, {
      title: 'Certificate rotation',
      startsAt: new Date(Date.now() + 5 * 86_400_000).toISOString(),
      endsAt: new Date(Date.now() + 5 * 86_400_000 + 1_800_000).toISOString(),
    });
    expect([running.status, planned.status]).toEqual([201, 201]);
    await page.goto(`${app.url}/orgs/${orgId}/maintenances`);
    await page.getByRole('region', { name: /In progress/ }).getByText('Switch replacement').waitFor();
    await page.getByRole('region', { name: /Upcoming/ }).getByText('Certificate rotation').waitFor();
    await screenshot(page, 'incidents-maintenances-running');

    await page.getByRole('link', { name: 'Switch replacement' }).click();
    await page.getByText(/^In progress · ends in/).waitFor();
    await page.getByRole('button', { name: 'End now' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'End now' }).click();
    await page.waitForURL(/\/maintenances$/);
    await page.getByRole('region', { name: /Past/ }).getByText('Switch replacement').waitFor();
    expect(await page.getByRole('region', { name: /In progress/ }).count()).toBe(0);

    await page.getByRole('link', { name: 'Certificate rotation' }).click();
    await page.getByRole('button', { name: 'Cancel maintenance' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel maintenance' }).click();
    await page.waitForURL(/\/maintenances$/);
    await page.getByRole('region', { name: /Upcoming/ }).getByText('Database upgrade').waitFor();
    expect(await page.locator('#main').getByText('Certificate rotation').count()).toBe(0);
    await page.getByText('“Certificate rotation” cancelled').waitFor();
  });

  it('reads well in the dark theme and at phone width', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto(`${app.url}${incidentUrl}`);
    await page.getByRole('heading', { name: 'Checkout errors' }).waitFor();
    await screenshot(page, 'incidents-detail-dark');
    await page.goto(`${app.url}/orgs/${orgId}/incidents/new`);
    await page.getByLabel('Title').waitFor();
    await page.getByRole('checkbox', { name: 'Checkout' }).check();
    await screenshot(page, 'incidents-new-dark');
    await page.goto(`${app.url}/orgs/${orgId}/maintenances`);
    await page.getByRole('region', { name: /Upcoming/ }).getByText('Database upgrade').waitFor();
    await screenshot(page, 'incidents-maintenances-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    await page.setViewportSize(PHONE);
    await page.goto(`${app.url}${incidentUrl}`);
    await page.getByRole('heading', { name: 'Checkout errors' }).waitFor();
    await screenshot(page, 'incidents-detail-phone');
    await page.getByRole('button', { name: 'Add an update' }).click();
    await page.locator('form.post').getByText('Add an update to a resolved incident').waitFor();
    await page.goto(`${app.url}/orgs/${orgId}/incidents/new`);
    await page.getByLabel('Title').waitFor();
    await page.getByRole('checkbox', { name: 'Website' }).check();
    await screenshot(page, 'incidents-new-phone');
    await page.goto(`${app.url}/orgs/${orgId}/maintenances`);
    await page.getByRole('link', { name: 'Database upgrade' }).click();
    await page.getByLabel('Title').waitFor();
    expect(await page.getByLabel('Title').inputValue()).toBe('Database upgrade');
    await page.getByRole('button', { name: 'Cancel maintenance' }).waitFor();
    await screenshot(page, 'incidents-maintenance-edit-phone');
    await page.setViewportSize(DESKTOP);
    expect(errors).toEqual([]);
  });

  it('gives a member both screens read-only', async () => {
    const link = await inviteLink(call, orgId, 'bob@example.com');
    const { context: memberContext, page: member, errors: memberErrors } = await signUpMember(browser, orgId, {
      name: 'Bob',
      email: 'bob@example.com',
      link,
      context: { viewport: PHONE, timezoneId: ZONE },
    });

    await member.goto(`${app.url}/orgs/${orgId}/incidents`);
    await member.locator('article', { hasText: 'Slow website' }).waitFor();
    await member.getByRole('region', { name: /History/ }).getByRole('link', { name: 'Checkout errors' }).waitFor();
    expect(await member.getByRole('link', { name: 'Declare incident' }).count()).toBe(0);
    await screenshot(member, 'incidents-member-list-phone');
    await member.getByRole('region', { name: /History/ }).getByRole('link', { name: 'Checkout errors' }).click();
    await member.getByRole('heading', { name: 'Checkout errors' }).waitFor();
    await member.getByText('owners and admins post updates').waitFor();
    expect(await timeline(member).count()).toBe(3);
    for (const name of ['Resolve', 'Edit', 'Delete', 'Post update', 'Post and resolve']) expect(await member.getByRole('button', { name }).count()).toBe(0);
    expect(await member.getByRole('button', { name: /^Edit the/ }).count()).toBe(0);
    await screenshot(member, 'incidents-member-detail-phone');

    await member.goto(`${app.url}/orgs/${orgId}/maintenances`);
    await member.getByRole('link', { name: 'Database upgrade' }).click();
    await member.getByRole('heading', { name: 'Database upgrade' }).waitFor();
    await member.getByText('Owners and admins schedule and change maintenance.').waitFor();
    expect(await member.getByRole('button', { name: /Cancel maintenance|Save changes/ }).count()).toBe(0);
    expect(await member.locator('main').locator('input, textarea, select').count()).toBe(0);
    await screenshot(member, 'incidents-member-maintenance-phone');
    await member.goto(`${app.url}/orgs/${orgId}/maintenances`);
    expect(await member.getByRole('link', { name: 'Schedule maintenance' }).count()).toBe(0);
    expect(memberErrors).toEqual([]);
    await memberContext.close();
  }, 60_000);
});
