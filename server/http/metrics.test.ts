import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../testing/app.js';
import { signUp } from '../testing/client.js';

let app: TestApp;
const TOKEN = 'metrics-token-0123456789';

beforeAll(async () => {
  app = await startTestApp({ METRICS_TOKEN: TOKEN });
});
afterAll(() => app?.stop());

const scrape = (auth?: string) => fetch(app.url + '/metrics', { headers: auth ? { authorization: `Bearer ${auth}` } : {} });

describe('/metrics', () => {
  it('answers the metrics token and org:admin keys only', async () => {
    const { client, orgId } = await signUp(app.url, 'metrics@example.com');
    const admin = (await client.post(`/orgs/${orgId}/api-keys`, { name: 'prom', scopes: ['org:admin'] })).body.key;
    const reader = (await client.post(`/orgs/${orgId}/api-keys`, { name: 'ro', scopes: ['monitors:read'] })).body.key;
    expect((await scrape()).status).toBe(401);
    expect((await scrape('wrong-token-wrong-token')).status).toBe(401);
    expect((await scrape(reader)).status).toBe(401);
    expect((await scrape(admin)).status).toBe(200);
    const res = await scrape(TOKEN);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    const text = await res.text();
    expect(text).toMatch(/^process_resident_memory_bytes \d+$/m);
    expect(text).toMatch(/^pingpage_http_request_duration_seconds_count\{method="POST",status="2xx"\} \d+$/m);
    expect(text).toMatch(/^pingpage_realtime_sockets\{namespace="\/dashboard"\} 0$/m);
  });
});
