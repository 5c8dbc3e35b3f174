/** The alerting API over HTTP: notifiers, channels, policies, the delivery log. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAlertingHarness, type AlertingHarness } from '../testing/alerting.js';
import { signUp, signUpInvited, TestClient } from '../testing/client.js';
import { httpReceiver, type HttpReceiver } from '../testing/receivers.js';
import { insertChannel } from './channels/store.js';
import { monitorPolicies } from './policies/service.js';
import { verifySignature } from './notifiers/webhook/index.js';
import { MASK } from '../../contracts/secrets.js';

let h: AlertingHarness;
let owner: TestClient;
let member: TestClient;
let orgId: string;
let otherOrg: string;
let other: TestClient;
let receiver: HttpReceiver;

beforeAll(async () => {
  h = await startAlertingHarness();
  receiver = await httpReceiver();
  ({ client: owner, orgId } = await signUp(h.url, 'owner@example.com', { orgName: 'Acme' }));
  ({ client: other, orgId: otherOrg } = await signUp(h.url, 'other@example.com', { orgName: 'Other' }));
  ({ client: member } = await signUpInvited(owner, orgId, 'member@example.com'));
});
afterAll(async () => {
  await receiver?.close();
  await h?.stop();
});

const hook = (extra: Record<string, unknown> = {}) => ({ name: 'Ops hook', notifier: 'webhook', config: { url: `${receiver.url}/in`, headers: { Authorization: 'Bearer t0ken' } }, ...extra });

describe('GET /notifiers', () => {
  it('lists the built-ins with JSON Schemas that mark secrets', async () => {
    const res = await owner.get('/notifiers');
    expect(res.status).toBe(200);
    expect(res.body.map((n: { id: string }) => n.id)).toEqual(['webhook', 'slack', 'discord', 'teams', 'email', 'ntfy']);
    const byId = Object.fromEntries(res.body.map((n: { id: string; configSchema: unknown }) => [n.id, n.configSchema]));
    expect(byId.slack.properties.url.writeOnly).toBe(true);
    expect(byId.email.properties.password.writeOnly).toBe(true);
    expect(byId.webhook.properties.headers.additionalProperties.writeOnly).toBe(true);
  });
});

describe('notification channels', () => {
  it('shows the signing secret once, then masks secrets in every answer', async () => {
    const created = await owner.post(`/orgs/${orgId}/notification-channels`, hook());
    expect(created.status).toBe(201);
    expect(created.headers.get('cache-control')).toBe('no-store');
    expect(created.body).toMatchObject({ name: 'Ops hook', notifier: 'webhook', enabled: true, signed: true, template: null });
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(created.body.config).toEqual({ url: `${receiver.url}/in`, headers: { Authorization: MASK } });
    const list = await owner.get(`/orgs/${orgId}/notification-channels`);
    const listed = list.body.find((c: { id: string }) => c.id === created.body.id);
    expect(listed.secret).toBeUndefined();
    expect(JSON.stringify(list.body)).not.toContain('t0ken');
    const one = await owner.get(`/orgs/${orgId}/notification-channels/${created.body.id}`);
    expect(one.body).toEqual(listed);
  });

  it('sends a test message now and answers the delivery result; masked secrets survive an edit', async () => {
    const { body: c } = await owner.post(`/orgs/${orgId}/notification-channels`, hook());
    const patched = await owner.patch(`/orgs/${orgId}/notification-channels/${c.id}`, { name: 'Renamed', config: { url: `${receiver.url}/moved`, headers: { Authorization: MASK } } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'Renamed', config: { url: `${receiver.url}/moved`, headers: { Authorization: MASK } } });
    expect(patched.body.secret).toBeUndefined();
    const before = receiver.requests.length;
    const res = await owner.post(`/orgs/${orgId}/notification-channels/${c.id}/test`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true, status: 200 });
    expect(typeof res.body.durationMs).toBe('number');
    const got = receiver.requests[before]!;
    expect(got.path).toBe('/moved');
    expect(got.headers.authorization).toBe('Bearer t0ken');
    expect(got.json()).toMatchObject({ event: 'test', title: 'PingPage test message' });
    expect(verifySignature({ secret: c.secret, body: got.body, timestamp: got.headers['x-pingpage-timestamp'] as string, signature: got.headers['x-pingpage-signature'] as string, now: h.clock.now() })).toBe(true);

    const rotated = await owner.patch(`/orgs/${orgId}/notification-channels/${c.id}`, { rotateSecret: true });
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(c.secret);
    await owner.post(`/orgs/${orgId}/notification-channels/${c.id}/test`);
    const after = receiver.requests.at(-1)!;
    const sig = { body: after.body, timestamp: after.headers['x-pingpage-timestamp'] as string, signature: after.headers['x-pingpage-signature'] as string, now: h.clock.now() };
    expect(verifySignature({ secret: rotated.body.secret, ...sig })).toBe(true);
    expect(verifySignature({ secret: c.secret, ...sig })).toBe(false);
  });

  it('answers a failed test as data', async () => {
    const dead = await httpReceiver(() => ({ status: 410, body: 'gone' }));
    try {
      const { body: c } = await owner.post(`/orgs/${orgId}/notification-channels`, { name: 'dead', notifier: 'slack', config: { url: dead.url } });
      const res = await owner.post(`/orgs/${orgId}/notification-channels/${c.id}/test`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ ok: false, status: 410, retryable: false, error: { code: 'HTTP_STATUS', message: 'The receiver answered 410: gone' } });
    } finally {
      await dead.close();
    }
  });

  it.each([
    ['no body', {}, 400, 'VALIDATION_FAILED', 'name', 'invalid_type'],
    ['an unknown notifier', { name: 'x', notifier: 'pager', config: {} }, 400, 'UNKNOWN_NOTIFIER', 'notifier', 'unknown_notifier'],
    ['a bad config URL', { name: 'x', notifier: 'webhook', config: { url: 'ftp://example.com/' } }, 400, 'VALIDATION_FAILED', 'config.url', 'invalid_format'],
    ['a missing config field', { name: 'x', notifier: 'email', config: { host: 'smtp.example', from: 'a@b.example' } }, 400, 'VALIDATION_FAILED', 'config.to', 'invalid_type'],
    ['an unknown field', { name: 'x', notifier: 'slack', config: { url: 'https://hooks.example/x' }, colour: 'red' }, 400, 'VALIDATION_FAILED', '', 'unrecognized_keys'],
    ['a template field outside the list', { name: 'x', notifier: 'slack', config: { url: 'https://hooks.example/x' }, template: { subject: '{{process.env}}' } }, 400, 'VALIDATION_FAILED', 'template.subject', 'UNKNOWN_TEMPLATE_FIELD'],
    ['a cloud metadata address', { name: 'x', notifier: 'webhook', config: { url: 'http://169.254.169.254/latest/' } }, 400, 'TARGET_FORBIDDEN', 'config', 'target_forbidden'],
    ['a reserved header', { name: 'x', notifier: 'webhook', config: { url: 'https://hooks.example/x', headers: { 'X-PingPage-Signature': 'forged' } } }, 400, 'VALIDATION_FAILED', 'config.headers.X-PingPage-Signature', 'RESERVED_HEADER'],
  ])('POST with %s is refused', async (_n, body, status, code, path, detail) => {
    const res = await owner.post(`/orgs/${orgId}/notification-channels`, body);
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(res.body.error.details[0]).toMatchObject({ path, code: detail });
  });

  it.each([
    ['change the notifier', { notifier: 'slack' }, 'VALIDATION_FAILED', '', 'unrecognized_keys'],
    ['rotate a secret it does not have', { rotateSecret: true }, 'VALIDATION_FAILED', 'rotateSecret', 'not_signed'],
    ['a bad config', { config: { url: 'nope' } }, 'VALIDATION_FAILED', 'config.url', 'invalid_format'],
  ])('PATCH to %s is refused', async (_n, body, code, path, detail) => {
    const { body: c } = await owner.post(`/orgs/${orgId}/notification-channels`, { name: 's', notifier: 'slack', config: { url: 'https://hooks.example/x' } });
    const res = await owner.patch(`/orgs/${orgId}/notification-channels/${c.id}`, body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe(code);
    expect(res.body.error.details[0]).toMatchObject({ path, code: detail });
  });

  it('keeps other orgs and members out', async () => {
    const { body: c } = await owner.post(`/orgs/${orgId}/notification-channels`, hook());
    expect((await other.get(`/orgs/${orgId}/notification-channels`)).status).toBe(404);
    expect((await other.get(`/orgs/${otherOrg}/notification-channels/${c.id}`)).status).toBe(404);
    expect((await other.post(`/orgs/${otherOrg}/notification-channels/${c.id}/test`)).status).toBe(404);
    expect((await owner.get(`/orgs/${orgId}/notification-channels/not-a-uuid`)).status).toBe(404);
    expect((await new TestClient(h.url).get(`/orgs/${orgId}/notification-channels`)).status).toBe(401);
    expect((await member.get(`/orgs/${orgId}/notification-channels`)).status).toBe(200);
    for (const res of [
      await member.post(`/orgs/${orgId}/notification-channels`, hook()),
      await member.patch(`/orgs/${orgId}/notification-channels/${c.id}`, { name: 'mine' }),
      await member.delete(`/orgs/${orgId}/notification-channels/${c.id}`),
      await member.post(`/orgs/${orgId}/notification-channels/${c.id}/test`),
    ]) {
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
    }
  });

  it('deletes a channel: its undelivered alerts are failed, the log keeps them', async () => {
    const { body: c } = await owner.post(`/orgs/${orgId}/notification-channels`, hook());
    const m = await h.monitor(orgId, 'deleted-channel');
    expect((await owner.req('PUT', `/orgs/${orgId}/monitors/${m}/alert-policy`, { channelIds: [c.id] })).status).toBe(200);
    await h.alerting.onStateChange({ monitorId: m, orgId, status: 'down', previous: 'up', since: new Date(h.clock.now()).toISOString(), reason: null });
    expect((await owner.delete(`/orgs/${orgId}/notification-channels/${c.id}`)).status).toBe(204);
    expect((await owner.get(`/orgs/${orgId}/notification-channels/${c.id}`)).status).toBe(404);
    const log = await owner.get(`/orgs/${orgId}/monitors/${m}/alerts`);
    expect(log.body).toEqual([
      expect.objectContaining({ channelId: null, event: 'monitor.down', ok: false, attempts: 0, state: 'failed', error: { code: 'CHANNEL_DELETED', message: 'The channel was deleted before delivery' } }),
    ]);
  });
});

describe('alert policies', () => {
  it('follow the org default until a monitor has its own, and again after DELETE', async () => {
    // The org's first channel (made above) joined the defaults; this test sets them itself.
    await owner.req('PUT', `/orgs/${orgId}/alert-defaults`, { channelIds: [] });
    const { body: c } = await owner.post(`/orgs/${orgId}/notification-channels`, hook());
    const m = await h.monitor(orgId, 'policy');
    const path = `/orgs/${orgId}/monitors/${m}/alert-policy`;
    expect((await owner.get(path)).body).toEqual({ channelIds: [], remindEveryMinutes: null, onDegraded: false, flapping: { changes: 4, windowMinutes: 30 }, inherited: true });
    const defaults = await owner.req('PUT', `/orgs/${orgId}/alert-defaults`, { channelIds: [c.id], onDegraded: true });
    expect(defaults.status).toBe(200);
    expect((await owner.get(`/orgs/${orgId}/alert-defaults`)).body).toMatchObject({ channelIds: [c.id], onDegraded: true });
    expect((await owner.get(path)).body).toMatchObject({ channelIds: [c.id], onDegraded: true, inherited: true });
    const own = await owner.req('PUT', path, { channelIds: [], remindEveryMinutes: 15 });
    expect(own.body).toEqual({ channelIds: [], remindEveryMinutes: 15, onDegraded: false, flapping: { changes: 4, windowMinutes: 30 }, inherited: false });
    expect((await owner.get(path)).body.inherited).toBe(false);
    const second = await h.monitor(orgId, 'policy 2');
    const both = await monitorPolicies(h.orm.em.fork(), orgId, [m, second]);
    expect(both.get(m)).toMatchObject({ channelIds: [], remindEveryMinutes: 15, inherited: false });
    expect(both.get(second)).toMatchObject({ channelIds: [c.id], onDegraded: true, inherited: true });
    expect((await owner.delete(path)).body).toMatchObject({ channelIds: [c.id], inherited: true });
    await owner.req('PUT', `/orgs/${orgId}/alert-defaults`, { channelIds: [] });
  });

  it.each([
    ['a channel of another org', () => ({ channelIds: [randomUUID()] }), 400, 'VALIDATION_FAILED', 'channelIds.0', 'unknown_channel'],
    ['a zero reminder interval', () => ({ remindEveryMinutes: 0 }), 400, 'VALIDATION_FAILED', 'remindEveryMinutes', 'too_small'],
    ['a bad channel id', () => ({ channelIds: ['x'] }), 400, 'VALIDATION_FAILED', 'channelIds.0', 'invalid_format'],
    ['a flap rule of one change', () => ({ flapping: { changes: 1 } }), 400, 'VALIDATION_FAILED', 'flapping.changes', 'too_small'],
  ])('PUT with %s is refused', async (_n, body, status, code, path, detail) => {
    const m = await h.monitor(orgId, 'bad policy');
    const res = await owner.req('PUT', `/orgs/${orgId}/monitors/${m}/alert-policy`, body());
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(res.body.error.details[0]).toMatchObject({ path, code: detail });
  });

  it('is per org and needs the right role', async () => {
    const m = await h.monitor(orgId, 'private');
    expect((await other.get(`/orgs/${otherOrg}/monitors/${m}/alert-policy`)).status).toBe(404);
    expect((await other.req('PUT', `/orgs/${otherOrg}/monitors/${m}/alert-policy`, {})).status).toBe(404);
    expect((await other.get(`/orgs/${otherOrg}/monitors/${m}/alerts`)).status).toBe(404);
    expect((await member.get(`/orgs/${orgId}/monitors/${m}/alert-policy`)).status).toBe(200);
    expect((await member.req('PUT', `/orgs/${orgId}/alert-defaults`, {})).status).toBe(403);
  });
});

describe('delivery log', () => {
  it('lists what was sent for a monitor, newest first', async () => {
    const { body: c } = await owner.post(`/orgs/${orgId}/notification-channels`, hook());
    const m = await h.monitor(orgId, 'logged');
    await owner.req('PUT', `/orgs/${orgId}/monitors/${m}/alert-policy`, { channelIds: [c.id] });
    const t = h.clock.now();
    await h.alerting.onStateChange({ monitorId: m, orgId, status: 'down', previous: 'up', since: new Date(t).toISOString(), reason: { code: 'TIMEOUT', message: 'x' } });
    await h.alerting.worker.drain();
    await h.alerting.onStateChange({ monitorId: m, orgId, status: 'up', previous: 'down', since: new Date(t + 60_000).toISOString(), reason: null });
    await h.alerting.worker.drain();
    const res = await owner.get(`/orgs/${orgId}/monitors/${m}/alerts`);
    expect(res.status).toBe(200);
    expect(res.body.map((d: { event: string; ok: boolean; attempts: number; channelId: string }) => [d.event, d.ok, d.attempts, d.channelId])).toEqual([
      ['monitor.up', true, 1, c.id],
      ['monitor.down', true, 1, c.id],
    ]);
    expect(res.body[0].at).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/);
    expect((await owner.get(`/orgs/${orgId}/monitors/${m}/alerts?limit=0`)).body.error.code).toBe('VALIDATION_FAILED');
    // The channel tells how its latest delivery went, in the list and on its own.
    const listed = (await owner.get(`/orgs/${orgId}/notification-channels`)).body.find((x: { id: string }) => x.id === c.id);
    expect(listed.lastDelivery).toEqual({ at: res.body[0].at, ok: true, event: 'monitor.up' });
    expect((await owner.get(`/orgs/${orgId}/notification-channels/${c.id}`)).body.lastDelivery).toEqual(listed.lastDelivery);
    expect(c.lastDelivery).toBeNull();
  });
});

describe('under PINGPAGE_PRIVATE_TARGETS=deny', () => {
  let strict: AlertingHarness;
  let admin: TestClient;
  let org: string;
  beforeAll(async () => {
    strict = await startAlertingHarness({ env: { PINGPAGE_PRIVATE_TARGETS: 'deny' } });
    ({ client: admin, orgId: org } = await signUp(strict.url, 'strict@example.com', { orgName: 'Strict' }));
  });
  afterAll(() => strict?.stop());

  it.each([`http://127.0.0.1:9/x`, 'http://10.1.2.3/hook', 'http://[::1]/hook', 'http://169.254.169.254/'])('refuses a webhook to %s when saved', async (url) => {
    const res = await admin.post(`/orgs/${org}/notification-channels`, { name: 'x', notifier: 'webhook', config: { url } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('TARGET_FORBIDDEN');
  });

  it('refuses it when sent, for good, if it became private after it was saved', async () => {
    const c = await insertChannel(strict.orm.em.fork(), { id: randomUUID(), orgId: org, name: 'old', notifier: 'webhook', config: { url: `${receiver.url}/old`, headers: {} }, signingSecret: 'whsec_x', template: null, enabled: true, createdBy: null });
    const before = receiver.requests.length;
    const test = await admin.post(`/orgs/${org}/notification-channels/${c.id}/test`);
    expect(test.body).toMatchObject({ ok: false, retryable: false, error: { code: 'TARGET_FORBIDDEN' } });
    const m = await strict.monitor(org);
    await admin.req('PUT', `/orgs/${org}/monitors/${m}/alert-policy`, { channelIds: [c.id] });
    await strict.alerting.onStateChange({ monitorId: m, orgId: org, status: 'down', previous: 'up', since: new Date(strict.clock.now()).toISOString(), reason: null });
    await strict.alerting.worker.drain();
    const log = await admin.get(`/orgs/${org}/monitors/${m}/alerts`);
    expect(log.body).toEqual([expect.objectContaining({ ok: false, attempts: 1, state: 'failed', error: expect.objectContaining({ code: 'TARGET_FORBIDDEN' }) })]);
    expect(receiver.requests.length).toBe(before);
  });
});
