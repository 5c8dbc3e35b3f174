import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../config.js';
import { createLogger } from '../log.js';
import { startPingPage, type PingPage } from '../main.js';
import { signUp, TestClient } from '../testing/client.js';
import { createTestDatabase, type TestDatabase } from '../testing/db.js';
import { httpReceiver, type HttpReceiver } from '../testing/receivers.js';
import { makeCa, makeLeaf } from '../../plugins/testing/certs.js';

let app: PingPage;
let db: TestDatabase;
let hooks: HttpReceiver;
let target: HttpReceiver;
let healthy = true;
let client: TestClient;
let orgId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  hooks = await httpReceiver();
  target = await httpReceiver(() => ({ status: healthy ? 200 : 500 }));
  const config = loadConfig({ DATABASE_URL: db.url, PORT: '0', DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'pp-e2e-')), LOG_LEVEL: 'silent' });
  app = await startPingPage(config, { log: createLogger('silent') });
  ({ client, orgId } = await signUp(app.url, 'owner@example.com', { orgName: 'Acme' }));
});
afterAll(async () => {
  await app?.close();
  await db?.drop();
  await hooks?.close();
  await target?.close();
});

describe('alerting through the app', () => {
  it('a monitor going down then up sends one down and one up', async () => {
    const channel = await client.post(`/orgs/${orgId}/notification-channels`, { name: 'hook', notifier: 'webhook', config: { url: hooks.url } });
    expect(channel.status).toBe(201);
    expect((await client.req('PUT', `/orgs/${orgId}/alert-defaults`, { channelIds: [channel.body.id] })).status).toBe(200);
    const monitor = await client.post(`/orgs/${orgId}/monitors`, { name: 'Target', probe: 'http', config: { url: target.url }, intervalSeconds: 3600, retries: 0 });
    expect(monitor.status).toBe(201);
    const id = monitor.body.id;
    expect((await client.post(`/orgs/${orgId}/monitors/${id}/check`)).body.status).toBe('up');
    healthy = false;
    expect((await client.post(`/orgs/${orgId}/monitors/${id}/check`)).body.status).toBe('down');
    await vi.waitFor(() => expect(hooks.requests.map((r) => r.json().event)).toEqual(['monitor.down']), { timeout: 10_000 });
    healthy = true;
    expect((await client.post(`/orgs/${orgId}/monitors/${id}/check`)).body.status).toBe('up');
    await vi.waitFor(() => expect(hooks.requests.map((r) => r.json().event)).toEqual(['monitor.down', 'monitor.up']), { timeout: 10_000 });
    const log = await client.get(`/orgs/${orgId}/monitors/${id}/alerts`);
    expect(log.body.map((d: { event: string; ok: boolean }) => [d.event, d.ok])).toEqual([['monitor.up', true], ['monitor.down', true]]);
    // The public subscriber routes answer before the status pages' catch-all.
    const res = await new TestClient(app.url, { origin: null }).post('/public/status-pages/nope/subscribers', { email: 'a@example.com' });
    expect([res.status, res.body.error.code]).toEqual([404, 'NOT_FOUND']);
    const link = await fetch(`${app.url}/status/nope/subscriptions/confirm?token=x`);
    expect(link.status).toBe(404);
    expect(await link.text()).toContain('Link not valid');
  });

  it("a monitor created with alerts.channelIds alerts that channel, not the org default's", async () => {
    // The org default from the test above still points at `hooks`.
    const own = await httpReceiver();
    let up = true;
    const site = await httpReceiver(() => ({ status: up ? 200 : 503 }));
    try {
      const channel = await client.post(`/orgs/${orgId}/notification-channels`, { name: 'own', notifier: 'webhook', config: { url: own.url } });
      const before = hooks.requests.length;
      const monitor = await client.post(`/orgs/${orgId}/monitors`, {
        name: 'Own alerts',
        probe: 'http',
        config: { url: site.url },
        intervalSeconds: 3600,
        retries: 0,
        alerts: { channelIds: [channel.body.id] },
      });
      expect(monitor.status).toBe(201);
      expect(monitor.body.alerts).toMatchObject({ channelIds: [channel.body.id], inherited: false });
      const id = monitor.body.id;
      expect((await client.post(`/orgs/${orgId}/monitors/${id}/check`)).body.status).toBe('up');
      up = false;
      expect((await client.post(`/orgs/${orgId}/monitors/${id}/check`)).body.status).toBe('down');
      await vi.waitFor(() => expect(own.requests.map((r) => [r.json().event, r.json().monitor.id])).toEqual([['monitor.down', id]]), { timeout: 10_000 });
      const log = await client.get(`/orgs/${orgId}/monitors/${id}/alerts`);
      expect(log.body.map((d: { channelId: string; event: string; ok: boolean }) => [d.channelId, d.event, d.ok])).toEqual([[channel.body.id, 'monitor.down', true]]);
      expect(hooks.requests.length).toBe(before);
    } finally {
      await own.close();
      await site.close();
    }
  });
  it('a monitor failing inside a maintenance window alerts nobody; once the window is over its outage is announced once', async () => {
    const hook = await httpReceiver();
    let up = true;
    const site = await httpReceiver(() => ({ status: up ? 200 : 503 }));
    try {
      const channel = await client.post(`/orgs/${orgId}/notification-channels`, { name: 'maintained', notifier: 'webhook', config: { url: hook.url } });
      const monitor = await client.post(`/orgs/${orgId}/monitors`, {
        name: 'Maintained',
        probe: 'http',
        config: { url: site.url },
        intervalSeconds: 3600,
        retries: 0,
        alerts: { channelIds: [channel.body.id] },
      });
      const id = monitor.body.id;
      const check = async () => (await client.post(`/orgs/${orgId}/monitors/${id}/check`)).body.status;
      const status = async () => (await client.get(`/orgs/${orgId}/monitors/${id}`)).body.status;
      expect(await check()).toBe('up');
      const window = await client.post(`/orgs/${orgId}/maintenances`, {
        title: 'Upgrade',
        startsAt: new Date(Date.now() - 60_000).toISOString(),
        endsAt: new Date(Date.now() + 3_600_000).toISOString(),
        monitorIds: [id],
      });
      expect(window.status).toBe(201);
      await vi.waitFor(async () => expect(await status()).toBe('maintenance'), { timeout: 10_000 });
      up = false;
      for (let i = 0; i < 3; i++) expect(await check()).toBe('maintenance');
      await new Promise((r) => setTimeout(r, 1_500)); // the worker polls: nothing was queued
      expect(hook.requests).toEqual([]);
      expect((await client.get(`/orgs/${orgId}/monitors/${id}/alerts`)).body).toEqual([]);

      expect((await client.delete(`/orgs/${orgId}/maintenances/${window.body.id}`)).status).toBe(204);
      await vi.waitFor(async () => expect(await status()).toBe('pending'), { timeout: 10_000 });
      expect(await check()).toBe('down');
      await vi.waitFor(() => expect(hook.requests.map((r) => r.json().event)).toEqual(['monitor.down']), { timeout: 10_000 });
      expect(await check()).toBe('down');
      await new Promise((r) => setTimeout(r, 1_500));
      expect(hook.requests.map((r) => [r.json().event, r.json().monitor.id])).toEqual([['monitor.down', id]]);
    } finally {
      await hook.close();
      await site.close();
    }
  });

  it('a live TLS check of a certificate expiring in 6 days sends one certificate alert with the days left', async () => {
    const ca = makeCa();
    const leaf = makeLeaf({ hosts: ['127.0.0.1'], validDays: 6, ca });
    const server = tls.createServer({ key: leaf.key, cert: leaf.cert }, (socket) => socket.resume());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const port = (server.address() as AddressInfo).port;
      const certHook = await httpReceiver();
      const channel = await client.post(`/orgs/${orgId}/notification-channels`, { name: 'certs', notifier: 'webhook', config: { url: certHook.url } });
      const monitor = await client.post(`/orgs/${orgId}/monitors`, {
        name: 'Certificate',
        probe: 'tls',
        config: { host: '127.0.0.1', port, ca: ca.cert },
        intervalSeconds: 3600,
        retries: 0,
        alerts: { channelIds: [channel.body.id], onDegraded: true },
      });
      expect(monitor.status).toBe(201);
      for (let i = 0; i < 2; i++) expect((await client.post(`/orgs/${orgId}/monitors/${monitor.body.id}/check`)).body.status).toBe('degraded');
      // The days left come from the check's own metadata, as the engine publishes it.
      await vi.waitFor(() => expect(certHook.requests.map((r) => r.json().certificateDaysLeft).filter((d) => d !== undefined)).toEqual([5]), { timeout: 10_000 });
      await new Promise((r) => setTimeout(r, 500));
      expect(certHook.requests.filter((r) => r.json().certificateDaysLeft !== undefined)).toHaveLength(1); // each threshold once
      await certHook.close();
    } finally {
      server.close();
    }
  });
});
