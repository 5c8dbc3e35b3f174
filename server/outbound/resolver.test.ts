/**
 * Hole 3: a flood of bcrypt work never delays probes. bcrypt and getaddrinfo (dns.lookup) share
 * libuv's 4 threads; probes resolve with c-ares and /etc/hosts instead, so a probe finishes while
 * every one of those threads is still busy hashing. Ordering only, no timings.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import bcrypt from 'bcrypt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDnsServer, type DnsServer } from '../../plugins/testing/dns-server.js';
import { startTestApp, type TestApp } from '../testing/app.js';
import { signUp, type TestClient } from '../testing/client.js';

let dns: DnsServer;
let target: http.Server;
let port: number;
let app: TestApp;
let owner: TestClient;
let orgId: string;

beforeAll(async () => {
  dns = await startDnsServer({ 'svc.pingpage.test': [{ type: 'A', name: 'svc.pingpage.test', ttl: 60, data: '127.0.0.1' }] });
  target = http.createServer((_req, res) => res.end('ok'));
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  port = (target.address() as AddressInfo).port;
  app = await startTestApp({ PINGPAGE_SIGNUP: 'open', PINGPAGE_PRIVATE_TARGETS: 'allow', PINGPAGE_DNS_SERVERS: dns.address });
  ({ client: owner, orgId } = await signUp(app.url, 'ops@example.com', { orgName: 'Ops' }));
});
afterAll(async () => {
  await app?.stop();
  await new Promise((r) => target?.close(r));
  dns?.close();
});

async function monitor(url: string): Promise<string> {
  const res = await owner.post(`/orgs/${orgId}/monitors`, { name: url, probe: 'http', config: { url }, intervalSeconds: 3600, timeoutSeconds: 30, retries: 0 });
  expect(res.status).toBe(201);
  return res.body.id;
}

describe('probes while libuv’s thread pool is full of bcrypt', () => {
  it.each([
    ['a name the configured DNS server answers', () => `http://svc.pingpage.test:${port}/`],
    ['localhost, from /etc/hosts', () => `http://localhost:${port}/`],
  ])('%s resolves and is checked before any of the hashing ends', async (_name, url) => {
    const id = await monitor(url());
    const order: string[] = [];
    // Twice the pool's threads, at a cost that takes a while: none of the pool is free until the first ends.
    const threads = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
    const hashing = Array.from({ length: threads * 2 }, (_, i) => bcrypt.hash(`flood-${i}`, 13).then(() => void order.push('bcrypt')));
    const check = owner.post(`/orgs/${orgId}/monitors/${id}/check`).then((res) => {
      order.push('probe');
      return res;
    });
    const res = await check;
    await Promise.all(hashing);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true, metadata: { statusCode: 200 } });
    expect(order[0]).toBe('probe');
  }, 120_000);
});
