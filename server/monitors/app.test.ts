/** The monitor API inside the whole app: real sessions, API keys, roles and org tenancy. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../testing/app.js';
import { signUp, TestClient } from '../testing/client.js';

let app: TestApp;
let owner: TestClient;
let orgId: string;
let stranger: TestClient;
let strangerOrg: string;
let monitorId: string;
const body = { name: 'Site', probe: 'tcp', config: { host: '127.0.0.1', port: 9 } };

beforeAll(async () => {
  app = await startTestApp({ PINGPAGE_SIGNUP: 'open' });
  ({ client: owner, orgId } = await signUp(app.url, 'owner@example.com', { orgName: 'Acme' }));
  ({ client: stranger, orgId: strangerOrg } = await signUp(app.url, 'stranger@example.com', { orgName: 'Other' }));
  const created = await owner.post(`/orgs/${orgId}/monitors`, body);
  expect(created.status).toBe(201);
  monitorId = created.body.id;
});
afterAll(() => app?.stop());

async function keyClient(scopes: string[]): Promise<TestClient> {
  const res = await owner.post(`/orgs/${orgId}/api-keys`, { name: scopes.join(' '), scopes });
  expect(res.status).toBe(201);
  return new TestClient(app.url, { apiKey: res.body.key, origin: null });
}

describe('monitor API in the app', () => {
  it('lists probes and serves the monitor to its org', async () => {
    expect((await owner.get('/probes')).body.map((p: { id: string }) => p.id)).toEqual(['http', 'tcp', 'dns', 'tls']);
    expect((await owner.get(`/orgs/${orgId}/monitors`)).body).toEqual([expect.objectContaining({ id: monitorId, name: 'Site' })]);
    const audit = (await owner.get(`/orgs/${orgId}/audit-log`)).body as Array<{ action: string; target: string }>;
    expect(audit).toContainEqual(expect.objectContaining({ action: 'monitor.created', target: monitorId }));
  });

  it.each([
    ['GET', () => `/orgs/${orgId}/monitors`],
    ['GET', () => `/orgs/${orgId}/monitors/${monitorId}`],
    ['POST', () => `/orgs/${strangerOrg}/monitors/${monitorId}/pause`],
    ['GET', () => `/orgs/${strangerOrg}/monitors/${monitorId}`],
    ['DELETE', () => `/orgs/${strangerOrg}/monitors/${monitorId}`],
    ['GET', () => `/orgs/${strangerOrg}/monitors/${monitorId}/heartbeats`],
  ])("another org's user gets 404 for %s %s", async (method, path) => {
    const res = await stranger.req(method, path());
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
  });

  it('refuses anonymous requests with 401', async () => {
    const res = await new TestClient(app.url).get(`/orgs/${orgId}/monitors`);
    expect(res.status).toBe(401);
  });

  it('lets a monitors:read key read but not write (403), and a monitors:write key write', async () => {
    const reader = await keyClient(['monitors:read']);
    expect((await reader.get(`/orgs/${orgId}/monitors/${monitorId}/uptime`)).status).toBe(200);
    for (const [method, path] of [
      ['POST', `/orgs/${orgId}/monitors`],
      ['PATCH', `/orgs/${orgId}/monitors/${monitorId}`],
      ['POST', `/orgs/${orgId}/monitors/${monitorId}/check`],
      ['DELETE', `/orgs/${orgId}/monitors/${monitorId}`],
    ] as const) {
      const res = await reader.req(method, path, method === 'DELETE' || path.endsWith('check') ? undefined : body);
      expect(res.status, `${method} ${path}`).toBe(403);
    }
    const writer = await keyClient(['monitors:write']);
    const paused = await writer.post(`/orgs/${orgId}/monitors/${monitorId}/pause`);
    expect(paused.body).toMatchObject({ paused: true, status: 'paused' });
  });
});
