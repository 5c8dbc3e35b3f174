/**
 * "Subscribe to updates" on the public page, through the whole app (main.ts wiring) with a real
 * SMTP server and webhook receiver: the form is in the page (served from memory), a plain form
 * POST signs up and answers a page, refusals come back in the form, cross-site posts are
 * refused, component choice is kept, custom domains and password protection are respected.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SIGNUPS_PER_IP } from '../alerting/subscribers/routes.js';
import { rows } from '../db/sql.js';
import { startTestApp, type TestApp } from '../testing/app.js';
import { signUp, TestClient } from '../testing/client.js';
import { httpReceiver, smtpReceiver, type HttpReceiver, type ReceivedMail, type SmtpReceiver } from '../testing/receivers.js';
import { proveDomains } from './testing.js';

let app: TestApp;
let smtp: SmtpReceiver;
let hooks: HttpReceiver;
let owner: TestClient;
let orgId: string;
let acme: { id: string; components: Array<{ id: string; name: string }> };
let ipSeq = 0;
/** Each sign-up from its own address: the per-IP limit is tested on its own. */
const freshIp = () => `198.51.100.${++ipSeq}`;

beforeAll(async () => {
  smtp = await smtpReceiver({ disabledCommands: ['STARTTLS'] });
  hooks = await httpReceiver();
  app = await startTestApp({
    SMTP_URL: `smtp://127.0.0.1:${smtp.port}?security=none`,
    MAIL_FROM: 'status@pingpage.example',
    // X-Forwarded-For gives each test its own address; X-Forwarded-Host stands for a custom domain.
    TRUST_PROXY: 'true',
    LOG_LEVEL: 'warn',
    // Visitors' webhooks meet the deny rules; the local receiver is let through by name, as an operator would.
    PINGPAGE_TARGET_ALLOWLIST: '127.0.0.1',
  });
  ({ client: owner, orgId } = await signUp(app.url, 'owner@example.com', { orgName: 'Acme' }));
  acme = await page({ slug: 'acme', title: 'Acme', description: 'Live status', components: [{ name: 'Public API', group: 'Core' }, { name: 'Support desk' }] });
}, 60_000);
afterAll(async () => {
  await app?.stop();
  await smtp?.close();
  await hooks?.close();
});

async function page(body: Record<string, unknown>) {
  const res = await owner.post(`/orgs/${orgId}/status-pages`, body);
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  return res.body as { id: string; components: Array<{ id: string; name: string }> };
}

/** The form as a browser without JavaScript sends it: urlencoded, with our Origin. */
function post(path: string, fields: Array<[string, string]>, headers: Record<string, string> = {}) {
  return fetch(app.url + path, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: app.url, 'sec-fetch-site': 'same-origin', 'x-forwarded-for': freshIp(), ...headers },
    body: new URLSearchParams(fields).toString(),
  });
}

const sql = <T = any>(text: string, params: unknown[] = []) => rows<T>(app.orm.em.fork(), text, params);
const subscribers = (email: string) => sql<{ component_ids: string[]; page_id: string }>('SELECT component_ids::text[], page_id FROM status_subscribers WHERE email = ?', [email]);
/** What `find` finds once the app's own delivery worker sent it. */
const arrived = <T>(find: () => T | undefined) =>
  vi.waitFor(
    () => {
      const found = find();
      if (found === undefined) throw new Error('not delivered yet');
      return found;
    },
    { timeout: 10_000 },
  );
const mailsTo = (address: string) => smtp.messages.filter((m) => m.to.includes(address));
const confirmLink = (mail: ReceivedMail) => /(http:\/\/\S+\/subscriptions\/confirm\?token=\S+)/.exec(mail.text)?.[1];

function expectStrictCsp(res: Response) {
  const csp = res.headers.get('content-security-policy')!;
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("style-src 'self'");
  expect(csp).toContain("form-action 'self'");
  expect(csp).not.toContain('unsafe-inline');
}

/** No inline script or style anywhere in the document. */
function expectNoInlineCode(html: string) {
  expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
  expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
}

describe('the public page', () => {
  it('offers the form, served from memory by the fast path', async () => {
    const hits = app.statusPages.fastPath.hits;
    const res = await fetch(`${app.url}/status/acme`);
    expect(app.statusPages.fastPath.hits).toBe(hits + 1);
    expect(res.status).toBe(200);
    expectStrictCsp(res);
    const html = await res.text();
    expectNoInlineCode(html);
    expect(html).toContain('<a class="sub-link" href="#subscribe">Subscribe to updates</a>');
    expect(html).toContain('<form class="card sub" method="post" action="/status/acme/subscriptions">');
    expect(html).toContain('<input id="sub-email" name="email" type="email"');
    expect(html).toContain('<input id="sub-webhook" name="webhookUrl" type="url"');
    for (const c of acme.components) expect(html).toContain(`<input type="checkbox" name="componentIds" value="${c.id}"/>`);
    expect(html).toContain('<a href="/status/acme#subscribe">E-mail</a>');
  });

  it('sends GET of the form address back to the form', async () => {
    const res = await fetch(`${app.url}/status/acme/subscriptions`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/status/acme#subscribe');
  });
});

describe('posting the form (no JavaScript)', () => {
  it('sends the confirmation e-mail and shows "check your inbox"; the link confirms', async () => {
    const res = await post('/status/acme/subscriptions', [['email', '  Reader@Example.com ']]);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    expectStrictCsp(res);
    const html = await res.text();
    expectNoInlineCode(html);
    expect(html).toContain('<h2 id="h-done">Check your inbox</h2>');
    expect(html).toContain('We sent a link to <strong>Reader@Example.com</strong> to confirm your subscription to Acme.');
    expect(html).toContain('You chose the whole page.');
    expect(html).toContain('<a href="/status/acme">← Back to Acme</a>');
    const mail = await arrived(() => mailsTo('reader@example.com')[0]);
    expect(mail!.subject).toBe('Confirm your subscription to Acme');
    expect(await subscribers('reader@example.com')).toEqual([{ component_ids: [], page_id: acme.id }]);

    const link = confirmLink(mail!)!;
    const confirmPage = await (await fetch(link)).text();
    const action = /<form method="post" action="([^"]+)"/.exec(confirmPage)![1]!.replace(/&amp;/g, '&');
    expect(await (await fetch(new URL(action, link), { method: 'POST' })).text()).toContain('You will get updates from Acme');
    const [row] = await sql('SELECT confirmed_at FROM status_subscribers WHERE email = ?', ['reader@example.com']);
    expect(row.confirmed_at).not.toBeNull();
  });

  it('stores the components chosen', async () => {
    const support = acme.components[1]!;
    const res = await post('/status/acme/subscriptions', [['email', 'support-only@example.com'], ['componentIds', support.id]]);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('You chose: Support desk.');
    expect(await subscribers('support-only@example.com')).toEqual([{ component_ids: [support.id], page_id: acme.id }]);
  });

  it('signs a webhook up, which gets the confirmation request', async () => {
    const res = await post('/status/acme/subscriptions', [['email', ''], ['webhookUrl', `${hooks.url}/form-hook`]]);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Confirm from your webhook');
    const confirm = (await arrived(() => hooks.requests.find((r) => r.path === '/form-hook'))).json();
    expect(confirm).toMatchObject({ event: 'subscription.confirm', page: { slug: 'acme' } });
  });

  it.each([
    ['a bad e-mail address', [['email', 'nope@']], 'sub-email', 'Enter an e-mail address such as name@example.com.'],
    ['an address without a domain', [['email', 'ada@localhost']], 'sub-email', 'Enter an e-mail address such as name@example.com.'],
    ['nothing', [['email', '']], 'sub-email', 'Enter your e-mail address.'],
    ['both an e-mail and a webhook', [['email', 'both@example.com'], ['webhookUrl', 'https://hooks.example/x']], 'sub-email', 'Give an e-mail address or a webhook URL, not both.'],
    ['a webhook that is not http(s)', [['webhookUrl', 'ftp://hooks.example/x']], 'sub-webhook', 'Enter a URL that starts with https:// or http://.'],
    ['a cloud metadata webhook', [['webhookUrl', 'http://169.254.169.254/latest/']], 'sub-webhook', 'This server may not send to that address. Use a public URL.'],
    ['a component of another page', [['email', 'foreign@example.com'], ['componentIds', '00000000-0000-4000-8000-000000000000']], 'sub-components', 'Choose among the components on this page.'],
  ] as Array<[string, Array<[string, string]>, string, string]>)('refuses %s in the page, storing nothing', async (_n, fields, id, message) => {
    const before = await sql<{ n: number }>('SELECT count(*)::int AS n FROM status_subscribers');
    const res = await post('/status/acme/subscriptions', fields);
    expect(res.status).toBe(400);
    expectStrictCsp(res);
    const html = await res.text();
    expectNoInlineCode(html);
    expect(html).toContain('<div class="sub-problem" role="alert"><p><strong>Not subscribed yet.</strong> Check the marked field.</p></div>');
    expect(html).toContain(`<p class="field-error" id="${id}-error">${message}</p>`);
    if (id !== 'sub-components') expect(html).toMatch(new RegExp(`<input id="${id}" [^>]*aria-describedby="[^"]*${id}-error" aria-invalid="true"/>`));
    // What was typed is kept (escaped), so the visitor corrects rather than retypes.
    for (const [name, value] of fields) if (name !== 'componentIds' && value) expect(html).toContain(`name="${name}" type="${name === 'email' ? 'email' : 'url'}" value="${value}"`);
    expect(await sql<{ n: number }>('SELECT count(*)::int AS n FROM status_subscribers')).toEqual(before);
  });

  it('escapes what it shows back', async () => {
    const res = await post('/status/acme/subscriptions', [['email', '"><script>alert(1)</script>']]);
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expectNoInlineCode(html);
  });

  it(`shows the rate limit (${SIGNUPS_PER_IP} sign-ups an hour per IP, shared with the JSON API) with 429`, async () => {
    const ip = freshIp();
    const api = new TestClient(app.url, { origin: null });
    for (let i = 0; i < SIGNUPS_PER_IP; i++) {
      expect((await api.post('/public/status-pages/acme/subscribers', { email: `busy${i}@example.com` }, { 'x-forwarded-for': ip })).status).toBe(202);
    }
    const res = await post('/status/acme/subscriptions', [['email', 'one-more@example.com']], { 'x-forwarded-for': ip });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    const html = await res.text();
    expect(html).toMatch(/<strong>Not subscribed yet.<\/strong> Too many sign-ups from your network. Try again in \d+ minutes./);
    expect(html).toContain('value="one-more@example.com"');
    expect(await subscribers('one-more@example.com')).toEqual([]);
  });

  it.each([
    ['another site’s Origin', { origin: 'https://evil.example' }],
    ['Sec-Fetch-Site: cross-site', { origin: 'null', 'sec-fetch-site': 'cross-site' }],
    ['a sibling subdomain (same-site)', { origin: 'null', 'sec-fetch-site': 'same-site' }],
  ])('refuses a cross-site post: %s', async (_n, headers) => {
    const res = await post('/status/acme/subscriptions', [['email', 'csrf@example.com']], headers);
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('CSRF_FAILED');
    expect(await subscribers('csrf@example.com')).toEqual([]);
  });

  it('takes Origin: null from a page of its own (Sec-Fetch-Site: same-origin)', async () => {
    const res = await post('/status/acme/subscriptions', [['email', 'null-origin@example.com']], { origin: 'null' });
    expect(res.status).toBe(200);
    expect(await subscribers('null-origin@example.com')).toHaveLength(1);
  });
});

describe('custom domains and password protection', () => {
  it('works on the page’s own domain, and never for another page there', async () => {
    const own = await page({ slug: 'own-domain', title: 'Own', customDomain: 'status.own.test', components: [{ name: 'Web' }] });
    await proveDomains(app.orm, app.statusPages.store); // served only once proven (domains.test.ts)
    const host = { 'x-forwarded-host': 'status.own.test', origin: 'http://status.own.test' };
    const html = await (await fetch(`${app.url}/`, { headers: { 'x-forwarded-host': 'status.own.test' } })).text();
    expect(html).toContain('<form class="card sub" method="post" action="/subscriptions">');
    const res = await post('/subscriptions', [['email', 'domain@example.com']], host);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<a href="/">← Back to Own</a>');
    expect(await subscribers('domain@example.com')).toEqual([{ component_ids: [], page_id: own.id }]);
    // Another page's form address on this domain is not served, nor is this domain's form posted from elsewhere.
    expect((await post('/status/acme/subscriptions', [['email', 'wrong-host@example.com']], host)).status).toBe(404);
    expect((await post('/subscriptions', [['email', 'wrong-origin@example.com']], { ...host, origin: app.url })).status).toBe(403);
    expect(await subscribers('wrong-host@example.com')).toEqual([]);
    expect(await subscribers('wrong-origin@example.com')).toEqual([]);
  });

  it('offers nothing on a password-protected page and refuses its form address', async () => {
    await page({ slug: 'locked', title: 'Locked', description: 'Secret description', password: 'open sesame', components: [{ name: 'Secret component' }] });
    const unlock = await fetch(`${app.url}/status/locked/unlock`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: app.url },
      body: 'password=open+sesame',
    });
    expect(unlock.status).toBe(303);
    const cookie = unlock.headers.getSetCookie()[0]!.split(';')[0]!;
    const html = await (await fetch(`${app.url}/status/locked`, { headers: { cookie } })).text();
    expect(html).toContain('Secret component');
    expect(html).not.toContain('id="subscribe"');
    expect(html).not.toContain('sub-link');
    for (const headers of [{}, { cookie }] as Array<Record<string, string>>) {
      const res = await post('/status/locked/subscriptions', [['email', 'locked@example.com']], headers);
      expect(res.status).toBe(403);
      const closed = await res.text();
      expect(closed).toContain('This status page is private and takes no subscribers.');
      expect(closed).not.toContain('Secret');
    }
    expect(await subscribers('locked@example.com')).toEqual([]);
  });
});
