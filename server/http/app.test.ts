import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { precompress } from '../client-build.js';
import { startTestApp, type TestApp } from '../testing/app.js';

let app: TestApp;
const clientDir = mkdtempSync(path.join(os.tmpdir(), 'pp-client-'));

beforeAll(async () => {
  mkdirSync(path.join(clientDir, 'assets'));
  writeFileSync(path.join(clientDir, 'index.html'), '<!doctype html><html><head><title>PingPage</title></head><body></body></html>');
  writeFileSync(path.join(clientDir, 'assets', 'app-123.js'), 'console.log(1)');
  writeFileSync(path.join(clientDir, 'assets', 'big-456.js'), `export const words = ${JSON.stringify('monitor '.repeat(4000))};`);
  precompress(clientDir);
  // What a build keeps for itself: the list of sources it was made from, Vite's manifest.
  writeFileSync(path.join(clientDir, '.build-inputs.json'), '{"files":["server/secret-path.ts"]}');
  mkdirSync(path.join(clientDir, '.vite'));
  writeFileSync(path.join(clientDir, '.vite', 'manifest.json'), '{"src/main.ts":{}}');
  writeFileSync(path.join(os.tmpdir(), 'pp-secret.txt'), 'secret');
  app = await startTestApp({ BODY_LIMIT_BYTES: '1000' }, { clientDir, drainMs: 3_000 });
});
afterAll(async () => {
  await app?.stop();
  rmSync(clientDir, { recursive: true, force: true });
});

describe('HTTP foundation', () => {
  it('sends the security headers on every answer', async () => {
    for (const p of ['/healthz', '/api/v1/instance', '/', '/api/v1/missing']) {
      const res = await fetch(app.url + p);
      expect(res.headers.get('content-security-policy'), p).toContain("frame-ancestors 'none'");
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
      expect(res.headers.get('strict-transport-security')).toBeNull(); // plain http here
    }
  });

  it('answers /healthz and /readyz', async () => {
    expect(await (await fetch(app.url + '/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await fetch(app.url + '/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { database: true } });
  });

  it('reports a fresh install as needing setup', async () => {
    expect(await (await fetch(app.url + '/api/v1/instance')).json()).toMatchObject({ needsSetup: true, signup: 'invite' });
  });

  it.each([
    ['unknown API route', 'GET', '/api/v1/nothing-here', undefined, {}, 404, 'NOT_FOUND'],
    ['body over the limit', 'POST', '/api/v1/instance', 'x'.repeat(2000), { 'content-type': 'application/json' }, 413, 'PAYLOAD_TOO_LARGE'],
    ['invalid JSON', 'POST', '/api/v1/nothing', '{"a":', { 'content-type': 'application/json' }, 400, 'INVALID_JSON'],
    ['not JSON', 'POST', '/api/v1/nothing', 'a=1', { 'content-type': 'application/x-www-form-urlencoded' }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
  ])('answers %s with the error shape', async (_name, method, p, body, headers, status, code) => {
    const res = await fetch(app.url + p, { method, body, headers });
    expect(res.status).toBe(status);
    const json = await res.json();
    expect(json).toEqual({ error: expect.objectContaining({ code, message: expect.any(String) }) });
    expect(JSON.stringify(json)).not.toMatch(/at .*\.ts:\d+/);
  });

  it('refuses a 10 MB body with 413 without reading it all', async () => {
    const res = await fetch(app.url + '/api/v1/instance', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: 'x'.repeat(10 * 1024 * 1024),
    });
    expect(res.status).toBe(413);
  });

  it('serves the client: pages fall back to index.html, assets are immutable, no path escapes', async () => {
    const page = await fetch(app.url + '/monitors/123');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>PingPage</title>');
    const asset = await fetch(app.url + '/assets/app-123.js');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect(asset.headers.get('content-type')).toContain('text/javascript');
    for (const evil of ['/../pp-secret.txt', '/%2e%2e/pp-secret.txt', '/assets/..%2f..%2fpp-secret.txt']) {
      const res = await fetch(app.url + evil);
      expect(await res.text(), evil).not.toBe('secret');
    }
    // The build's own dotfiles are not the dashboard's: a visitor learns no source paths from them.
    for (const hidden of ['/.build-inputs.json', '/.vite/manifest.json', '/%2evite/manifest.json', '/assets/.hidden.js']) {
      const res = await fetch(app.url + hidden);
      expect(res.status, hidden).toBe(404);
      expect(await res.text(), hidden).not.toMatch(/secret-path|src\/main/);
    }
  });

  it('sends the build compressed as the browser accepts, from the copies the build wrote, and revalidates pages', async () => {
    // node:http rather than fetch, which adds Cache-Control: no-cache to a request with If-None-Match.
    const raw = (encoding: string, p = '/assets/big-456.js', headers: Record<string, string> = {}) =>
      new Promise<{ headers: Record<string, string | string[] | undefined>; body: Buffer; status: number }>((resolve, reject) => {
        const req = http.get(app.url + p, { headers: { 'accept-encoding': encoding, ...headers } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks), status: res.statusCode! }));
        });
        req.on('error', reject);
      });
    const original = await raw('identity');
    expect(original.headers['content-encoding']).toBeUndefined();
    expect(original.headers.vary).toContain('Accept-Encoding');
    const br = await raw('gzip, deflate, br');
    expect(br.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(br.body).equals(original.body)).toBe(true);
    expect(br.body.length).toBeLessThan(original.body.length / 10);
    const gz = await raw('gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).equals(original.body)).toBe(true);
    // Too small to be worth compressing: sent as it is.
    const small = await fetch(app.url + '/assets/app-123.js', { headers: { 'accept-encoding': 'br' } });
    expect(small.headers.get('content-encoding')).toBeNull();
    // index.html is revalidated, not cached: the second request is a 304 without a body.
    const page = await raw('identity', '/');
    expect(page.headers['cache-control']).toBe('no-cache');
    const again = await raw('identity', '/', { 'if-none-match': String(page.headers.etag) });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    expect((await raw('identity', '/', { 'if-none-match': '"other"' })).status).toBe(200);
  });

  it("a page of an org preloads that org's dashboard snapshot; other pages preload nothing", async () => {
    const org = '0b6f3f4e-8a57-4d8e-9d2c-3f1e2a4b5c6d';
    const preload = (html: string) => /<link rel="preload" href="([^"]+)" as="fetch" crossorigin>/.exec(html)?.[1];
    for (const p of [`/orgs/${org}`, `/orgs/${org}/monitors/x`]) {
      const res = await fetch(app.url + p);
      expect(preload(await res.text()), p).toBe(`/api/v1/orgs/${org}/dashboard`);
    }
    for (const p of ['/', '/account', '/orgs/not-a-uuid', `/orgs/${org}x`]) expect(preload(await (await fetch(app.url + p)).text()), p).toBeUndefined();
    // Each variant is validated by its own ETag.
    const a = await fetch(app.url + `/orgs/${org}`);
    const b = await fetch(app.url + '/orgs/1b6f3f4e-8a57-4d8e-9d2c-3f1e2a4b5c6d');
    const plain = await fetch(app.url + '/account');
    expect(new Set([a.headers.get('etag'), b.headers.get('etag'), plain.headers.get('etag')]).size).toBe(3);
  });
});

describe('graceful shutdown', () => {
  it('finishes a request already in flight (database included), then stops accepting and closes the database', async () => {
    const { port } = new URL(app.url);
    const socket = net.connect(Number(port), '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    const body = '{"email":"nobody@example.com","password":"whatever"}';
    // Half a request: the server is reading it when shutdown starts; answering it needs the database.
    socket.write(`POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`);
    let answer = '';
    socket.on('data', (d) => (answer += d));
    const ended = new Promise((r) => socket.once('close', r));
    await new Promise((r) => setTimeout(r, 100));
    const closing = app.close();
    await new Promise((r) => setTimeout(r, 200));
    await expect(fetch(app.url + '/healthz')).rejects.toThrow(); // no longer accepting
    socket.write(body.slice(10));
    await ended;
    await closing;
    expect(answer).toMatch(/^HTTP\/1\.1 401 /); // the in-flight request got its real answer
    expect(answer).toContain('INVALID_CREDENTIALS');
    expect(await app.orm.isConnected()).toBe(false);
  });
});
