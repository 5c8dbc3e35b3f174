/**
 * Issue 12, hole 4: a regular expression a member types must not stall the server. The server
 * runs as its own process, so a stalled event loop there fails this test by its timeout instead
 * of freezing the test runner with it.
 */
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, type Running } from '../../plugins/testing/servers.js';
import { signUp, type TestClient } from '../testing/client.js';
import { createTestDatabase, type TestDatabase } from '../testing/db.js';
import { killServerProcesses, startServerProcess } from '../testing/process.js';

const EVIL = '(x+x+)+y';
let db: TestDatabase;
let dataDir: string;
let target: Running;
let client: TestClient;
let orgId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'pp-regex-'));
  target = await listen(createServer((_req, res) => res.end('x'.repeat(34))));
  const server = startServerProcess({ DATABASE_URL: db.url, DATA_DIR: dataDir, PINGPAGE_SELF_MONITOR: 'false' });
  ({ client, orgId } = await signUp(await server.ready, 'owner@example.com'));
});
afterAll(async () => {
  killServerProcesses();
  await target?.close();
  await db?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

const http = (keyword: string, keywordRegex = true) => ({
  name: 'Evil',
  probe: 'http',
  config: { url: `http://127.0.0.1:${target.port}/`, keyword, keywordRegex },
  intervalSeconds: 3600,
});

describe('user regular expressions', () => {
  it('(x+x+)+y against 34 x: the check ends with KEYWORD_MISSING and the API answers alongside', async () => {
    const created = await client.post(`/orgs/${orgId}/monitors`, http(EVIL));
    expect(created.status).toBe(201);
    const other = await client.post(`/orgs/${orgId}/monitors`, { ...http('x{34}'), name: 'Fine' });
    const [evil, list, fine] = await Promise.all([
      client.post(`/orgs/${orgId}/monitors/${created.body.id}/check`),
      client.get(`/orgs/${orgId}/monitors`),
      client.post(`/orgs/${orgId}/monitors/${other.body.id}/check`),
    ]);
    expect(evil.body).toMatchObject({ ok: false, error: { code: 'KEYWORD_MISSING' } });
    expect(list.status).toBe(200);
    expect(fine.body).toMatchObject({ ok: true, status: 'up' });
  });

  it.each([
    ['a back-reference', 'http', '(a)\\1'],
    ['a look-ahead', 'http', 'foo(?=bar)'],
    ['a negative look-ahead', 'http', '^(?!x)'],
    ['a look-behind', 'http', '(?<=a)b'],
    ['a named back-reference', 'http', '(?<n>a)\\k<n>'],
    ['a pattern that does not parse', 'http', '(unclosed'],
    ['a repetition RE2 refuses', 'http', 'a{2000}'],
    ['a back-reference in a TCP expect', 'tcp', '(SSH)-\\1'],
    ['a look-behind in a TCP expect', 'tcp', '(?<!x)220'],
  ])('refuses %s at creation: 400 REGEX_UNSUPPORTED', async (_name, probe, pattern) => {
    const body =
      probe === 'http'
        ? http(pattern)
        : { name: 'Tcp', probe, config: { host: '127.0.0.1', port: target.port, expect: pattern, expectRegex: true } };
    const field = probe === 'http' ? 'config.keyword' : 'config.expect';
    const res = await client.post(`/orgs/${orgId}/monitors`, body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.details).toEqual([{ path: field, code: 'REGEX_UNSUPPORTED', message: expect.stringMatching(/RE2/) }]);
  });

  it('takes the same text as a plain keyword, and refuses it in a PATCH that makes it a pattern', async () => {
    const plain = await client.post(`/orgs/${orgId}/monitors`, http('(a)\\1', false));
    expect(plain.status).toBe(201);
    const patched = await client.patch(`/orgs/${orgId}/monitors/${plain.body.id}`, { config: { ...plain.body.config, keywordRegex: true } });
    expect(patched.status).toBe(400);
    expect(patched.body.error.details).toEqual([expect.objectContaining({ path: 'config.keyword', code: 'REGEX_UNSUPPORTED' })]);
  });

  it('fails the check of a stored pattern RE2 refuses with CONFIG_INVALID, and keeps running', async () => {
    const created = await client.post(`/orgs/${orgId}/monitors`, http('x+'));
    const sql = new pg.Client({ connectionString: db.url });
    await sql.connect();
    await sql.query(`UPDATE monitors SET config = jsonb_set(config, '{keyword}', '"(x)\\\\1"') WHERE id = $1`, [created.body.id]);
    await sql.end();
    const check = await client.post(`/orgs/${orgId}/monitors/${created.body.id}/check`);
    expect(check.body).toMatchObject({ ok: false, error: { code: 'CONFIG_INVALID', message: expect.stringMatching(/^config\.keyword: .*RE2/) } });
    expect((await client.get(`/orgs/${orgId}/monitors`)).status).toBe(200);
  });
});
