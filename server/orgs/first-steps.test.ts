/**
 * Issue 13, rough edge 8: GET /orgs/:org/first-steps reads the first-run tour from the org's own
 * data (PingPage's self-monitor aside), step by step however each was done, and answers only
 * those who could take every step: owners, admins and org:admin keys of that org.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../testing/app.js';
import { signUp, signUpInvited, TestClient } from '../testing/client.js';

let app: TestApp;
let owner: TestClient;
let orgId: string;

beforeAll(async () => {
  app = await startTestApp({ PINGPAGE_SELF_MONITOR: 'true', PINGPAGE_SIGNUP: 'open', PINGPAGE_PRIVATE_TARGETS: 'allow' });
  ({ client: owner, orgId } = await signUp(app.url, 'owner@example.com'));
});
afterAll(() => app?.stop());

const steps = (client: TestClient, org = orgId) => client.get(`/orgs/${org}/first-steps`);

describe('the first steps of an organization', () => {
  it('ticks each step from the data, and PingPage’s own monitor is not the org’s first', async () => {
    // The first organization gets PingPage's self-monitor shortly after its signup.
    for (let i = 0; i < 100 && !(await owner.get(`/orgs/${orgId}/monitors`)).body.length; i++) await new Promise((r) => setTimeout(r, 50));
    expect((await owner.get(`/orgs/${orgId}/monitors`)).body.map((m: { name: string }) => m.name)).toEqual(['PingPage']);
    expect((await steps(owner)).body).toEqual({ monitor: false, channel: false, statusPage: false });

    expect((await owner.post(`/orgs/${orgId}/monitors`, { name: 'Site', probe: 'http', config: { url: `${app.url}/healthz` }, intervalSeconds: 60 })).status).toBe(201);
    expect((await steps(owner)).body).toEqual({ monitor: true, channel: false, statusPage: false });

    expect((await owner.post(`/orgs/${orgId}/notification-channels`, { name: 'Ops', notifier: 'slack', config: { url: 'https://hooks.example/x' } })).status).toBe(201);
    expect((await steps(owner)).body).toEqual({ monitor: true, channel: true, statusPage: false });

    expect((await owner.post(`/orgs/${orgId}/status-pages`, { slug: 'acme', title: 'Acme' })).status).toBe(201);
    expect((await steps(owner)).body).toEqual({ monitor: true, channel: true, statusPage: true });
  });

  it('reads each org’s own data: a new org starts with every step open', async () => {
    const other = await signUp(app.url, 'other@example.com');
    expect((await steps(other.client, other.orgId)).body).toEqual({ monitor: false, channel: false, statusPage: false });
  });
});

describe('who may read them', () => {
  it('an admin and an org:admin key: 200', async () => {
    const admin = await signUpInvited(owner, orgId, 'admin@example.com', 'admin');
    expect((await steps(admin.client)).status).toBe(200);
    const key = await owner.post(`/orgs/${orgId}/api-keys`, { name: 'ops', scopes: ['org:admin'] });
    expect((await steps(new TestClient(app.url, { apiKey: key.body.key }))).status).toBe(200);
  });

  it.each([
    ['a visitor without a session', 401, 'UNAUTHORIZED'],
    ['a member', 403, 'FORBIDDEN'],
    ['a monitors:read key', 403, 'FORBIDDEN'],
    ['an owner of another org', 404, 'NOT_FOUND'],
    ['an org:admin key of another org', 404, 'NOT_FOUND'],
  ] as const)('%s: %i %s, nothing about the org', async (who, status, code) => {
    let client: TestClient;
    if (who === 'a visitor without a session') client = new TestClient(app.url);
    else if (who === 'a member') client = (await signUpInvited(owner, orgId, 'member@example.com', 'member')).client;
    else if (who === 'a monitors:read key') client = new TestClient(app.url, { apiKey: (await owner.post(`/orgs/${orgId}/api-keys`, { name: 'ro', scopes: ['monitors:read'] })).body.key });
    else {
      const stranger = await signUp(app.url, `${who.length}@stranger.example`);
      client = who === 'an owner of another org'
        ? stranger.client
        : new TestClient(app.url, { apiKey: (await stranger.client.post(`/orgs/${stranger.orgId}/api-keys`, { name: 'x', scopes: ['org:admin'] })).body.key });
    }
    const res = await steps(client);
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(JSON.stringify(res.body)).not.toMatch(/monitor"|channel"|statusPage/);
  });

  it('a malformed org id: 404', async () => {
    expect((await steps(owner, 'not-a-uuid')).status).toBe(404);
  });
});
