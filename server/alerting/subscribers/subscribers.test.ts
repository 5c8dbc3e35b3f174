/**
 * Status-page subscribers over HTTP with a real SMTP server and a real webhook receiver: double
 * opt-in, incident and maintenance notices to the right subscribers only, unsubscribe, limits.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAlertingHarness, type AlertingHarness } from '../../testing/alerting.js';
import { TestClient } from '../../testing/client.js';
import { httpReceiver, smtpReceiver, type HttpReceiver, type ReceivedMail, type SmtpReceiver } from '../../testing/receivers.js';
import { verifySignature } from '../notifiers/webhook/index.js';
import { SIGNUPS_PER_IP } from './routes.js';

let h: AlertingHarness;
let smtp: SmtpReceiver;
let hooks: HttpReceiver;
let api: TestClient;
let orgId: string;
let ipSeq = 0;
/** Each test signs up from its own address: the per-IP limit is tested on its own. */
const freshIp = () => `203.0.113.${++ipSeq}`;

beforeAll(async () => {
  smtp = await smtpReceiver({ disabledCommands: ['STARTTLS'] });
  hooks = await httpReceiver();
  h = await startAlertingHarness({
    // Visitors' webhooks meet the deny rules; the local receiver is let through by name, as an operator would.
    // The operator's SMTP server (plain, local) for subscriber e-mail.
    env: { TRUST_PROXY: 'true', PINGPAGE_TARGET_ALLOWLIST: '127.0.0.1', SMTP_URL: `smtp://127.0.0.1:${smtp.port}?security=none`, MAIL_FROM: 'status@pingpage.example' },
  });
  api = new TestClient(h.url, { origin: null });
  orgId = randomUUID();
  await h.sql('INSERT INTO orgs (id, name) VALUES (?, ?)', [orgId, 'Acme']);
});
afterAll(async () => {
  await h?.stop();
  await smtp?.close();
  await hooks?.close();
});

const subscribe = (slug: string, body: unknown, ip = freshIp()) => api.post(`/public/status-pages/${slug}/subscribers`, body, { 'x-forwarded-for': ip });
const mailsTo = (address: string) => smtp.messages.filter((m) => m.to.includes(address));
const linkIn = (mail: ReceivedMail, kind: 'confirm' | 'unsubscribe') => {
  const m = new RegExp(`(http://[^\\s]+/subscriptions/${kind}\\?token=[^\\s]+)`).exec(mail.text);
  return m?.[1];
};

async function deliver() {
  await h.alerting.worker.drain();
}

/** GET the link (a page with a button), then press the button (POST to the form's action). */
async function follow(url: string): Promise<{ page: string; done: string; status: number }> {
  const page = await fetch(url);
  const html = await page.text();
  expect(page.status).toBe(200);
  expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
  const action = /<form method="post" action="([^"]+)"/.exec(html)![1]!.replace(/&amp;/g, '&');
  const done = await fetch(new URL(action, url), { method: 'POST' });
  return { page: html, done: await done.text(), status: done.status };
}

async function confirmedEmail(slug: string, email: string, componentIds?: string[]) {
  expect((await subscribe(slug, { email, ...(componentIds ? { componentIds } : {}) })).status).toBe(202);
  await deliver();
  const mail = mailsTo(email).at(-1)!;
  const r = await follow(linkIn(mail, 'confirm')!);
  expect(r.done).toContain('Subscribed');
}

describe('double opt-in', () => {
  it('sends a confirmation e-mail whose link confirms; nothing else before that', async () => {
    const page = await h.page(orgId, 'optin', [{ name: 'API' }]);
    const res = await subscribe('optin', { email: 'Reader@Example.com' });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ status: 'confirmation_sent' });
    await deliver();
    const [mail] = mailsTo('reader@example.com');
    expect(mail!.subject).toBe('Confirm your subscription to optin status');
    const link = linkIn(mail!, 'confirm')!;
    expect(link.startsWith(`${h.url}/status/optin/subscriptions/confirm?token=`)).toBe(true);
    expect(mail!.html).toContain('Confirm subscription');

    const incident = await h.incident(orgId, { title: 'Early', pageIds: [page.id], componentIds: [page.components[0]!], message: 'Before confirming' });
    await h.alerting.announceIncident({ incidentId: incident.id });
    await deliver();
    expect(mailsTo('reader@example.com')).toHaveLength(1);

    const r = await follow(link);
    expect(r.page).toContain('Subscribe to optin status');
    expect(r.done).toContain('You will get updates from optin status');
    const [row] = await h.sql('SELECT confirmed_at FROM status_subscribers WHERE email = ?', ['reader@example.com']);
    expect(row.confirmed_at).not.toBeNull();
  });

  it('does not resend within ten minutes nor tell whether an address is subscribed', async () => {
    await h.page(orgId, 'resend', [{ name: 'API' }]);
    expect((await subscribe('resend', { email: 'twice@example.com' })).status).toBe(202);
    expect((await subscribe('resend', { email: 'twice@example.com' })).status).toBe(202);
    await deliver();
    expect(mailsTo('twice@example.com')).toHaveLength(1);
    h.clock.jump(11 * 60_000);
    expect((await subscribe('resend', { email: 'twice@example.com' })).status).toBe(202);
    await deliver();
    expect(mailsTo('twice@example.com')).toHaveLength(2);
    await follow(linkIn(mailsTo('twice@example.com')[1]!, 'confirm')!);
    h.clock.jump(11 * 60_000);
    expect((await subscribe('resend', { email: 'twice@example.com' })).status).toBe(202);
    await deliver();
    expect(mailsTo('twice@example.com')).toHaveLength(2);
  });

  it('refuses links that are forged, for another page, or expired', async () => {
    await h.page(orgId, 'links', [{ name: 'API' }]);
    await h.page(orgId, 'links2', [{ name: 'API' }]);
    await subscribe('links', { email: 'links@example.com' });
    await deliver();
    const link = linkIn(mailsTo('links@example.com')[0]!, 'confirm')!;
    for (const bad of [link.slice(0, -2) + 'xx', link.replace('/links/', '/links2/'), `${h.url}/status/links/subscriptions/confirm?token=nope`]) {
      const res = await fetch(bad);
      expect(res.status).toBe(404);
      expect(await res.text()).toContain('Link not valid');
      expect((await fetch(bad, { method: 'POST' })).status).toBe(404);
    }
    h.clock.jump(8 * 86_400_000);
    expect((await fetch(link)).status).toBe(404);
  });
});

describe('notices', () => {
  it('an incident update reaches confirmed subscribers of that component only', async () => {
    const page = await h.page(orgId, 'notices', [{ name: 'API' }, { name: 'Dashboard' }]);
    const [apiComponent, dashboard] = page.components as [string, string];
    await confirmedEmail('notices', 'all@example.com');
    await confirmedEmail('notices', 'api@example.com', [apiComponent]);
    await confirmedEmail('notices', 'dash@example.com', [dashboard]);
    expect((await subscribe('notices', { email: 'pending@example.com' })).status).toBe(202);
    // A webhook subscriber confirms by POSTing the link it was sent, and learns its signing secret there.
    expect((await subscribe('notices', { webhookUrl: `${hooks.url}/status-hook`, componentIds: [apiComponent] })).status).toBe(202);
    await deliver();
    const confirm = hooks.requests.find((r) => r.json().event === 'subscription.confirm')!.json();
    expect(confirm.confirmUrl).toMatch(/\/status\/notices\/subscriptions\/confirm\?token=/);
    expect((await fetch(confirm.confirmUrl, { method: 'POST' })).status).toBe(200);

    const incident = await h.incident(orgId, { title: 'API errors', pageIds: [page.id], componentIds: [apiComponent], message: 'We are looking into <errors>.' });
    await h.alerting.announceIncident({ incidentId: incident.id, updateId: incident.updateId });
    await h.alerting.announceIncident({ incidentId: incident.id, updateId: incident.updateId }); // twice: still once
    h.clock.jump(60_000);
    const update = await h.incidentUpdate(incident.id, 'identified', 'A bad deploy; rolling back.');
    await h.alerting.announceIncident({ incidentId: incident.id, updateId: update });
    h.clock.jump(60_000);
    await h.incidentUpdate(incident.id, 'resolved', 'All good.');
    await h.alerting.announceIncident({ incidentId: incident.id });
    await deliver();

    const subjects = (a: string) => mailsTo(a).slice(1).map((m) => m.subject);
    expect(subjects('all@example.com')).toEqual(['[notices status] API errors', '[notices status] API errors: identified', '[notices status] Resolved: API errors']);
    expect(subjects('api@example.com')).toEqual(subjects('all@example.com'));
    expect(subjects('dash@example.com')).toEqual([]);
    expect(mailsTo('pending@example.com')).toHaveLength(1); // the confirmation only
    const first = mailsTo('api@example.com')[1]!;
    expect(first.text).toContain('investigating: We are looking into <errors>.');
    expect(first.text).toContain('Affected: API');
    expect(first.html).toContain('We are looking into &lt;errors&gt;.');
    expect(first.headers['list-unsubscribe']).toMatch(/^<http:\/\/.+\/status\/notices\/subscriptions\/unsubscribe\?token=.+>$/);

    const delivered = hooks.requests.filter((r) => r.path === '/status-hook' && r.json().event.startsWith('incident.'));
    expect(delivered.map((r) => r.json().event)).toEqual(['incident.created', 'incident.updated', 'incident.resolved']);
    const last = delivered.at(-1)!;
    expect(last.json()).toMatchObject({ page: { slug: 'notices' }, incident: { title: 'API errors', status: 'resolved', components: ['API'] } });
    expect(verifySignature({ secret: confirm.signingSecret, body: last.body, timestamp: last.headers['x-pingpage-timestamp'] as string, signature: last.headers['x-pingpage-signature'] as string, now: h.clock.now() })).toBe(true);
  });

  it('unsubscribe works from the link and with one click (RFC 8058)', async () => {
    const page = await h.page(orgId, 'leave', [{ name: 'API' }]);
    await confirmedEmail('leave', 'link@example.com');
    await confirmedEmail('leave', 'oneclick@example.com');
    await confirmedEmail('leave', 'stays@example.com');
    const first = await h.incident(orgId, { title: 'One', pageIds: [page.id], componentIds: [], message: 'x' });
    await h.alerting.announceIncident({ incidentId: first.id });
    await deliver();
    const viaLink = await follow(linkIn(mailsTo('link@example.com').at(-1)!, 'unsubscribe')!);
    expect(viaLink.done).toContain('Unsubscribed');
    const header = mailsTo('oneclick@example.com').at(-1)!.headers['list-unsubscribe']!.slice(1, -1);
    const oneClick = await fetch(header, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(oneClick.status).toBe(200);
    const second = await h.incident(orgId, { title: 'Two', pageIds: [page.id], componentIds: [], message: 'y' });
    await h.alerting.announceIncident({ incidentId: second.id });
    await deliver();
    // The second incident did go out (to the subscriber who stayed), just not to those who left.
    expect(mailsTo('stays@example.com').slice(1).map((m) => m.subject)).toEqual(['[leave status] One', '[leave status] Two']);
    expect(mailsTo('link@example.com').slice(1).map((m) => m.subject)).toEqual(['[leave status] One']);
    expect(mailsTo('oneclick@example.com').slice(1).map((m) => m.subject)).toEqual(['[leave status] One']);
    expect(await h.sql(`SELECT s.email FROM status_subscribers s JOIN status_pages p ON p.id = s.page_id WHERE p.slug = 'leave'`)).toEqual([{ email: 'stays@example.com' }]);
  });

  it('announces maintenance when scheduled, started and completed, to the covered components only', async () => {
    const page = await h.page(orgId, 'maint', [{ name: 'DB' }, { name: 'CDN' }]);
    const [db, cdn] = page.components as [string, string];
    await confirmedEmail('maint', 'db@example.com', [db]);
    await confirmedEmail('maint', 'cdn@example.com', [cdn]);
    const now = h.clock.now();
    const id = await h.maintenance(orgId, { startsAt: now + 10 * 60_000, endsAt: now + 40 * 60_000, componentIds: [db], title: 'Failover test' });
    await h.alerting.announceMaintenance({ maintenanceId: id, event: 'maintenance.scheduled' });
    for (let minute = 0; minute < 45; minute += 5) {
      h.clock.jump(5 * 60_000);
      await h.alerting.sweep();
    }
    await deliver();
    expect(mailsTo('db@example.com').slice(1).map((m) => m.subject)).toEqual([
      '[maint status] Scheduled maintenance: Failover test',
      '[maint status] Maintenance started: Failover test',
      '[maint status] Maintenance completed: Failover test',
    ]);
    expect(mailsTo('cdn@example.com')).toHaveLength(1);
  });
});

describe('sign-up input', () => {
  beforeAll(async () => {
    await h.page(orgId, 'input', [{ name: 'API' }]);
    await h.page(orgId, 'private-page', [{ name: 'API' }], { password: true });
  });

  it.each([
    ['nothing', {}, 400, 'VALIDATION_FAILED', 'email', 'EMAIL_OR_WEBHOOK'],
    ['both', { email: 'a@example.com', webhookUrl: 'https://hooks.example/x' }, 400, 'VALIDATION_FAILED', 'email', 'EMAIL_OR_WEBHOOK'],
    ['a bad address', { email: 'nope' }, 400, 'VALIDATION_FAILED', 'email', 'invalid_format'],
    ['a bad webhook URL', { webhookUrl: 'ftp://hooks.example/x' }, 400, 'VALIDATION_FAILED', 'webhookUrl', 'invalid_format'],
    ['a bad component id', { email: 'a@example.com', componentIds: ['x'] }, 400, 'VALIDATION_FAILED', 'componentIds.0', 'invalid_format'],
    ['a component of another page', { email: 'a@example.com', componentIds: [randomUUID()] }, 400, 'VALIDATION_FAILED', 'componentIds.0', 'unknown_component'],
    ['an unknown field', { email: 'a@example.com', name: 'A' }, 400, 'VALIDATION_FAILED', '', 'unrecognized_keys'],
    ['a cloud metadata webhook', { webhookUrl: 'http://169.254.169.254/latest/' }, 400, 'TARGET_FORBIDDEN', 'webhookUrl', 'target_forbidden'],
  ])('%s is refused', async (_n, body, status, code, path, detail) => {
    const res = await subscribe('input', body);
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(res.body.error.details[0]).toMatchObject({ path, code: detail });
  });

  it.each([
    ['an unknown page', 'no-such-page', 404, 'NOT_FOUND'],
    ['a password-protected page', 'private-page', 403, 'SUBSCRIPTIONS_CLOSED'],
  ])('%s is refused', async (_n, slug, status, code) => {
    const res = await subscribe(slug, { email: 'a@example.com' });
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
  });

  it('refuses a body that is not JSON', async () => {
    await h.page(orgId, 'raw', [{ name: 'API' }]);
    const bad = await api.post('/public/status-pages/raw/subscribers', '{"email":', { 'x-forwarded-for': freshIp() });
    expect([bad.status, bad.body.error.code]).toEqual([400, 'INVALID_JSON']);
    const text = await api.post('/public/status-pages/raw/subscribers', 'email=a@example.com', { 'content-type': 'text/plain', 'x-forwarded-for': freshIp() });
    expect([text.status, text.body.error.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
  });

  it(`limits sign-ups to ${SIGNUPS_PER_IP} an hour per IP address`, async () => {
    await h.page(orgId, 'busy', [{ name: 'API' }]);
    const ip = freshIp();
    for (let i = 0; i < SIGNUPS_PER_IP; i++) expect((await subscribe('busy', { email: `n${i}@example.com` }, ip)).status).toBe(202);
    const refused = await subscribe('busy', { email: 'one-more@example.com' }, ip);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('RATE_LIMITED');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await subscribe('busy', { email: 'elsewhere@example.com' })).status).toBe(202);
    h.clock.jump(61 * 60_000);
    expect((await subscribe('busy', { email: 'later@example.com' }, ip)).status).toBe(202);
  });
});
