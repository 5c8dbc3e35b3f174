/**
 * Hole 6 of issue 12: anonymous input reaches private addresses. A visitor's webhook on a public
 * status page meets the deny rules whatever PINGPAGE_PRIVATE_TARGETS says (when it subscribes
 * and on every delivery); open sign-up denies private targets by default; a monitor naming a
 * metadata address is refused when saved, under any policy.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { rows } from '../db/sql.js';
import { startTestApp, type TestApp } from '../testing/app.js';
import { signUp, TestClient } from '../testing/client.js';
import { httpReceiver, type HttpReceiver } from '../testing/receivers.js';
import type { Lookup } from './policy.js';

let receiver: HttpReceiver;
let port: string;
/** The outside world's DNS: `rebind.test` answers a public address first, then loopback. */
let rebindAsked = 0;
const lookup: Lookup = async (host) => {
  if (host === 'localhost' || host === 'loop.test') return [{ address: '127.0.0.1', family: 4 }];
  if (host === 'rebind.test') return [{ address: ++rebindAsked === 1 ? '203.0.113.10' : '127.0.0.1', family: 4 }];
  throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
};

beforeAll(async () => {
  receiver = await httpReceiver();
  port = new URL(receiver.url).port;
});
afterAll(() => receiver?.close());

async function monitorOf(client: TestClient, orgId: string, config: Record<string, unknown>, probe = 'http') {
  return client.post(`/orgs/${orgId}/monitors`, { name: 'Target', probe, intervalSeconds: 3600, config });
}

describe("a visitor's webhook subscription, on an instance that allows private targets", () => {
  let app: TestApp;
  let owner: TestClient;
  let orgId: string;
  const visitor = () => new TestClient(app.url, { origin: null });
  const subscribe = (webhookUrl: string) => visitor().post('/public/status-pages/acme/subscribers', { webhookUrl });

  beforeAll(async () => {
    app = await startTestApp({ PINGPAGE_PRIVATE_TARGETS: 'allow' }, { alerting: { lookup }, monitoring: { lookup } });
    ({ client: owner, orgId } = await signUp(app.url, 'owner@example.com'));
    const page = await owner.post(`/orgs/${orgId}/status-pages`, { slug: 'acme', title: 'Acme', components: [{ name: 'API' }] });
    expect(page.status).toBe(201);
  });
  afterAll(() => app?.stop());

  it('lets members monitor the same private address', async () => {
    const m = await monitorOf(owner, orgId, { url: `${receiver.url}/monitored` });
    expect(m.status).toBe(201);
    expect((await owner.post(`/orgs/${orgId}/monitors/${m.body.id}/check`)).body).toMatchObject({ ok: true });
    // Checked at creation and by hand.
    await vi.waitFor(() => expect(receiver.requests.filter((r) => r.path === '/monitored')).toHaveLength(2));
  });

  it.each([
    ['loopback', () => `http://127.0.0.1:${port}/hook`],
    ['loopback by name', () => `http://localhost:${port}/hook`],
    ['a name that resolves to loopback', () => `http://loop.test:${port}/hook`],
    ['IPv6 loopback', () => `http://[::1]:${port}/hook`],
    ['a private address', () => 'http://10.1.2.3/hook'],
    ['a v4-mapped private address', () => 'http://[::ffff:192.168.1.1]/hook'],
    ['link-local', () => 'http://169.254.1.1/hook'],
    ['cloud metadata', () => 'http://169.254.169.254/latest/meta-data/'],
  ])('refuses %s with 400 TARGET_FORBIDDEN and sends nothing', async (_what, url) => {
    const res = await subscribe(url());
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'TARGET_FORBIDDEN', details: [expect.objectContaining({ path: 'webhookUrl', code: 'target_forbidden' })] });
    await app.alerting.worker.drain();
    expect(await rows(app.orm.em.fork(), 'SELECT id FROM status_subscribers')).toEqual([]);
    expect(receiver.requests.filter((r) => r.path === '/hook')).toEqual([]);
  });

  it('checks again on delivery: a name that later points at loopback gets nothing', async () => {
    const res = await subscribe(`http://rebind.test:${port}/rebound`);
    expect(res.status).toBe(202);
    await app.alerting.worker.drain();
    const [sent] = await rows<{ state: string; last_error: { code: string } }>(app.orm.em.fork(), "SELECT state, last_error FROM alert_outbox WHERE event = 'subscription.confirm'");
    expect(sent).toMatchObject({ state: 'failed', last_error: { code: 'TARGET_FORBIDDEN' } });
    expect(rebindAsked).toBe(2);
    expect(receiver.requests.filter((r) => r.path === '/rebound')).toEqual([]);
  });
});

describe('PINGPAGE_SIGNUP=open', () => {
  let app: TestApp;
  afterAll(() => app?.stop());

  it('denies private targets by default: a stranger cannot probe the server\'s network', async () => {
    app = await startTestApp({ PINGPAGE_SIGNUP: 'open' });
    const { client, orgId } = await signUp(app.url, 'stranger@example.com');
    const m = await monitorOf(client, orgId, { url: `${receiver.url}/internal` });
    expect(m.status).toBe(201); // names and private addresses are judged when connecting
    expect((await client.post(`/orgs/${orgId}/monitors/${m.body.id}/check`)).body).toMatchObject({ ok: false, error: { code: 'TARGET_FORBIDDEN' } });
    const channel = await client.post(`/orgs/${orgId}/notification-channels`, { name: 'hook', notifier: 'webhook', config: { url: `${receiver.url}/internal` } });
    expect(channel.body.error?.code).toBe('TARGET_FORBIDDEN');
    expect(receiver.requests.filter((r) => r.path === '/internal')).toEqual([]);
  });
});

describe.each([
  ['allow', { PINGPAGE_PRIVATE_TARGETS: 'allow' }],
  ['deny', { PINGPAGE_PRIVATE_TARGETS: 'deny' }],
])('a monitor naming an always-refused address (private targets: %s)', (_policy, env) => {
  let app: TestApp;
  let owner: TestClient;
  let orgId: string;
  beforeAll(async () => {
    app = await startTestApp(env);
    ({ client: owner, orgId } = await signUp(app.url, 'owner@example.com'));
  });
  afterAll(() => app?.stop());

  it.each([
    ['http url', 'http', { url: 'http://169.254.169.254/latest/meta-data/' }, 'config.url'],
    ['http url, IPv6', 'http', { url: 'http://[fd00:ec2::254]/' }, 'config.url'],
    ['http url, v4-mapped', 'http', { url: 'http://[::ffff:169.254.169.254]/' }, 'config.url'],
    ['http url, metadata name', 'http', { url: 'http://metadata.google.internal/computeMetadata/v1/' }, 'config.url'],
    ['tcp host', 'tcp', { host: '169.254.169.254', port: 80 }, 'config.host'],
    ['tcp host, IPv6', 'tcp', { host: 'fd00:ec2::254', port: 80 }, 'config.host'],
    ['tcp host, ECS tasks', 'tcp', { host: '169.254.170.2', port: 80 }, 'config.host'],
    ['dns server', 'dns', { name: 'example.com', server: '169.254.169.254' }, 'config.server'],
    ['dns server, [IPv6]:port', 'dns', { name: 'example.com', server: '[fd00:ec2::254]:53' }, 'config.server'],
    ['tls host', 'tls', { host: '100.100.100.200' }, 'config.host'],
    ['tls host, metadata name', 'tls', { host: 'metadata.goog' }, 'config.host'],
  ])('refuses a %s with 400 TARGET_FORBIDDEN when created and when changed to it', async (_what, probe, config, path) => {
    const created = await monitorOf(owner, orgId, config, probe);
    expect(created.status).toBe(400);
    expect(created.body.error).toMatchObject({ code: 'TARGET_FORBIDDEN', details: [{ path, code: 'target_forbidden', message: expect.stringContaining('metadata') }] });
    const field = path.slice('config.'.length);
    const fine = await monitorOf(owner, orgId, { ...config, [field]: probe === 'http' ? 'http://public.example/' : 'public.example' }, probe);
    expect(fine.status, JSON.stringify(fine.body)).toBe(201);
    const changed = await owner.patch(`/orgs/${orgId}/monitors/${fine.body.id}`, { config });
    expect(changed.status).toBe(400);
    expect(changed.body.error.code).toBe('TARGET_FORBIDDEN');
    expect((await owner.get(`/orgs/${orgId}/monitors/${fine.body.id}`)).body.config).toEqual(fine.body.config);
  });
});
