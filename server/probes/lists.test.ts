/**
 * Hole 11 (part): the plugin lists (GET /probes, GET /notifiers) answer a signed-in person or
 * any valid API key (programs building configs need them), never a stranger.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../testing/app.js';
import { signUp, TestClient } from '../testing/client.js';

let app: TestApp;
let owner: TestClient;
let orgId: string;

beforeAll(async () => {
  app = await startTestApp();
  ({ client: owner, orgId } = await signUp(app.url, 'owner@example.com'));
});
afterAll(() => app?.stop());

describe.each([
  ['/probes', 'http'],
  ['/notifiers', 'webhook'],
])('GET %s', (path, builtIn) => {
  it.each([
    ['no credentials', () => new TestClient(app.url), 'UNAUTHORIZED'],
    ['a forged session cookie', () => Object.assign(new TestClient(app.url), { cookie: 'pp_session=forged; pp_session.sig=forged' }), 'UNAUTHORIZED'],
    ['a made-up API key', () => new TestClient(app.url, { apiKey: 'pp_live_' + 'A'.repeat(43) }), 'INVALID_API_KEY'],
    ['a malformed Authorization', () => new TestClient(app.url, { apiKey: 'not-a-key' }), 'INVALID_API_KEY'],
  ])('refuses %s with 401', async (_n, client, code) => {
    const res = await client().get(path);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe(code);
    expect(JSON.stringify(res.body)).not.toContain('configSchema');
  });

  it('answers a signed-in person, and an API key of any scope until it is revoked', async () => {
    const signedIn = await owner.get(path);
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.map((p: { id: string }) => p.id)).toContain(builtIn);
    const { id, key } = (await owner.post(`/orgs/${orgId}/api-keys`, { name: 'builder', scopes: ['status-pages:read'] })).body;
    const program = new TestClient(app.url, { apiKey: key });
    const byKey = await program.get(path);
    expect(byKey.status).toBe(200);
    expect(byKey.body).toEqual(signedIn.body);
    expect((await owner.delete(`/orgs/${orgId}/api-keys/${id}`)).status).toBe(204);
    expect((await program.get(path)).status).toBe(401);
  });
});
