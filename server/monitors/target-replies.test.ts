/**
 * Issue 12, hole 6 (last sentence): a result never carries more than 200 printable bytes of what
 * a target sent. Real local servers send 10 KB replies full of terminal escapes, NULs and bidi
 * overrides; what the API answers and stores is a short printable excerpt.
 */
import { createServer } from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, type Running } from '../../plugins/testing/servers.js';
import { startTestApp, type TestApp } from '../testing/app.js';
import { signUp, type TestClient } from '../testing/client.js';

/** About 10 KB: ANSI colour and clear-screen sequences, an OSC title, NULs, CR LF, a right-to-left override. */
const HOSTILE = '\x1b[31mred\x1b[0m\x00\r\n\x1b]0;owned\x07\x1b[2J\u202etxt.exe\x00'.repeat(300);
const UNPRINTABLE = /[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/;

let app: TestApp;
let client: TestClient;
let orgId: string;
const servers: Running[] = [];

beforeAll(async () => {
  app = await startTestApp();
  ({ client, orgId } = await signUp(app.url, 'owner@example.com'));
});
afterAll(async () => {
  await app?.stop();
  await Promise.all(servers.map((s) => s.close()));
});

async function runCheck(probe: string, config: Record<string, unknown>) {
  const created = await client.post(`/orgs/${orgId}/monitors`, { name: probe, probe, config, intervalSeconds: 3600 });
  expect(created.status).toBe(201);
  const check = await client.post(`/orgs/${orgId}/monitors/${created.body.id}/check`);
  await app.monitoring.writer.flush();
  const [stored] = (await client.get(`/orgs/${orgId}/monitors/${created.body.id}/heartbeats`)).body;
  return { check: check.body, stored };
}

function expectShort(text: string) {
  expect(Buffer.byteLength(text)).toBeLessThanOrEqual(200);
  expect(text).not.toMatch(UNPRINTABLE);
}

describe("a target's reply in a result", () => {
  it('TCP: a 10 KB banner of escapes and NULs becomes at most 200 printable bytes, as answered and as stored', async () => {
    const server = await listen(net.createServer((socket) => socket.end(Buffer.from(HOSTILE))));
    servers.push(server);
    const { check, stored } = await runCheck('tcp', { host: '127.0.0.1', port: server.port, expect: 'never sent' });
    expect(Buffer.byteLength(HOSTILE)).toBeGreaterThan(10_000);
    expect(check).toMatchObject({ ok: false, error: { code: 'BANNER_MISMATCH' } });
    expectShort(check.metadata.banner);
    expect(check.metadata.banner).toMatch(/^\\x1b\[31mred\\x1b\[0m\\x00\\r\\n\\x1b\]0;owned\\x07\\x1b\[2J\\u202etxt\.exe\\x00.*…$/);
    expect(stored.metadata.banner).toBe(check.metadata.banner);
  });

  it('HTTP: a 10 KB JSON value in JSON_MISMATCH is cut to 200 printable bytes', async () => {
    const server = await listen(createServer((_req, res) => res.end(JSON.stringify({ status: HOSTILE }))));
    servers.push(server);
    const { check, stored } = await runCheck('http', { url: `http://127.0.0.1:${server.port}/`, jsonPath: 'status', jsonExpected: 'up' });
    expect(check.error.code).toBe('JSON_MISMATCH');
    const value = check.error.message.replace(/^status is /, '').replace(/, expected up$/, '');
    expectShort(value);
    expect(value).toMatch(/^\\x1b\[31mred.*…$/);
    expect(stored.error).toEqual(check.error);
  });

  it('HTTP: a hostile status line is quoted as a printable excerpt', async () => {
    const server = await listen(net.createServer((socket) => socket.on('data', () => socket.end(`HTTP/1.1 ${HOSTILE}\r\n\r\n`))));
    servers.push(server);
    const { check } = await runCheck('http', { url: `http://127.0.0.1:${server.port}/` });
    expect(check.error.code).toBe('HTTP_ERROR');
    expect(check.error.message).not.toMatch(UNPRINTABLE);
    expect(Buffer.byteLength(check.error.message)).toBeLessThanOrEqual(200);
  });
});
