/**
 * Hole 8: /metrics spans every organization, so it answers METRICS_TOKEN or a signed-in instance
 * administrator (the first account, PINGPAGE_ADMINS), never an API key: under open signup anyone
 * can own an org and make an org:admin key of it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './testing/app.js';
import { signUp, type TestClient } from './testing/client.js';

let app: TestApp;
const TOKEN = 'metrics-token-0123456789';
let first: TestClient; // the first account of the install
let firstOrg: string;
let stranger: TestClient; // signed up later, owns an org of their own
let strangerOrg: string;

beforeAll(async () => {
  app = await startTestApp({ METRICS_TOKEN: TOKEN, PINGPAGE_SIGNUP: 'open', PINGPAGE_ADMINS: 'Ops@Example.com, noc@example.com' });
  ({ client: first, orgId: firstOrg } = await signUp(app.url, 'first@example.com'));
  ({ client: stranger, orgId: strangerOrg } = await signUp(app.url, 'stranger@example.com'));
});
afterAll(() => app?.stop());

const scrape = (headers: Record<string, string> = {}) => fetch(app.url + '/metrics', { headers });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const session = (c: TestClient) => ({ cookie: c.cookie });

describe('/metrics', () => {
  it("refuses an org:admin key of a self-made org (open signup), and any other key, even the first account's", async () => {
    const strangerKey = (await stranger.post(`/orgs/${strangerOrg}/api-keys`, { name: 'prom', scopes: ['org:admin'] })).body.key;
    const firstKey = (await first.post(`/orgs/${firstOrg}/api-keys`, { name: 'prom', scopes: ['org:admin'] })).body.key;
    for (const key of [strangerKey, firstKey]) {
      const res = await scrape(bearer(key));
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('UNAUTHORIZED');
    }
    // A key beside an administrator's session does not count either: a bearer is judged alone.
    expect((await scrape({ ...bearer(strangerKey), ...session(first) })).status).toBe(401);
  });

  it('answers METRICS_TOKEN', async () => {
    const res = await scrape(bearer(TOKEN));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    const text = await res.text();
    expect(text).toMatch(/^process_resident_memory_bytes \d+$/m);
    expect(text).toMatch(/^pingpage_http_request_duration_seconds_count\{method="POST",status="2xx"\} \d+$/m);
    expect(text).toMatch(/^pingpage_realtime_sockets\{namespace="\/dashboard"\} 0$/m);
    expect(text).toMatch(/^pingpage_event_listener_failures_total 0$/m);
  });

  it("answers the first account's session and PINGPAGE_ADMINS' sessions, whatever the email's case", async () => {
    expect((await scrape(session(first))).status).toBe(200);
    const { client: ops } = await signUp(app.url, 'ops@example.com');
    expect((await scrape(session(ops))).status).toBe(200);
  });

  it.each([
    ['nothing', () => ({})],
    ['a wrong token', () => bearer('wrong-token-wrong-token')],
    ['a malformed Authorization', () => ({ authorization: TOKEN })],
    ['a made-up API key', () => bearer('pp_live_' + 'A'.repeat(43))],
    ['a forged session cookie', () => ({ cookie: 'pp_session=forged; pp_session.sig=forged' })],
  ])('refuses %s with 401 UNAUTHORIZED', async (_n, headers) => {
    const res = await scrape(headers());
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('UNAUTHORIZED');
  });

  it('refuses a signed-in person who is not an instance administrator with 403 FORBIDDEN', async () => {
    const res = await scrape(session(stranger));
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN');
  });
});
