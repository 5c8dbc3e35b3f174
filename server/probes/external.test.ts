/**
 * Acceptance: the example external plugin is added through configuration only (PINGPAGE_PLUGINS)
 * and a monitor runs with it end to end: listed by GET /probes, its config checked by its own
 * schema at the boundary, checked against a real SMTP server on 127.0.0.1, recorded.
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Orm } from '../db/orm.js';
import { openDatabase } from '../database.js';
import { createApp } from '../http/app.js';
import { allowAll, seedOrg, signedInAs, silentLog, testConfig } from '../monitors/fixtures.js';
import { createMonitoring, loadProbes, type Monitoring } from '../monitors/index.js';
import { createTestDatabase, type TestDatabase } from '../testing/db.js';

let db: TestDatabase;
let orm: Orm;
let monitoring: Monitoring;
let server: http.Server;
let base: string;
let orgId: string;
/** Greets, answers EHLO without STARTTLS, says goodbye. */
const smtp = net.createServer((socket) => {
  socket.on('error', () => {});
  socket.write('220 mail.test ESMTP ready\r\n');
  let pending = '';
  socket.on('data', (chunk) => {
    pending += chunk.toString();
    let end: number;
    while ((end = pending.indexOf('\r\n')) >= 0) {
      const verb = pending.slice(0, end).split(' ')[0]!.toUpperCase();
      pending = pending.slice(end + 2);
      if (verb === 'EHLO') socket.write('250-mail.test\r\n250 PIPELINING\r\n');
      else if (verb === 'QUIT') socket.end('221 Bye\r\n');
      else socket.write('502 Unknown\r\n');
    }
  });
});

beforeAll(async () => {
  db = await createTestDatabase();
  orm = await openDatabase(db.url, { poolMax: 4 });
  const seeded = await seedOrg(orm);
  orgId = seeded.orgId;
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
  const config = testConfig({ PINGPAGE_PLUGINS: './examples/smtp-probe' });
  monitoring = createMonitoring({ config, log: silentLog, orm, requireOrg: allowAll(seeded.principal), probes: await loadProbes(config), tuning: { reconcileMs: 0, retention: false } });
  await monitoring.start();
  const app = createApp({ config, log: silentLog, middleware: () => [signedInAs(seeded.principal)], api: monitoring.routers, readiness: [], isStopping: () => false });
  server = http.createServer(app.callback());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
});
afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await monitoring?.stop();
  await orm?.close();
  await db?.drop();
  await new Promise((r) => smtp.close(r));
});

const call = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(base + path, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
  return { status: res.status, body: (await res.json()) as any };
};

describe('an external probe plugin named in PINGPAGE_PLUGINS', () => {
  it('is listed, validates its config and runs a monitor end to end', async () => {
    const probes = await call('GET', '/probes');
    expect(probes.body.map((p: { id: string }) => p.id)).toContain('smtp');

    const bad = await call('POST', `/orgs/${orgId}/monitors`, { name: 'Mail', probe: 'smtp', config: { host: '127.0.0.1', port: 'twenty-five' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toContainEqual(expect.objectContaining({ path: 'config.port' }));

    const port = (smtp.address() as AddressInfo).port;
    const created = await call('POST', `/orgs/${orgId}/monitors`, { name: 'Mail', probe: 'smtp', config: { host: '127.0.0.1', port, starttls: false } });
    expect(created.status).toBe(201);
    const check = await call('POST', `/orgs/${orgId}/monitors/${created.body.id}/check`);
    expect(check.body).toMatchObject({ ok: true, status: 'up', metadata: { greeting: 'mail.test ESMTP ready', extensions: ['PIPELINING'] } });
    // Checked at creation and by hand.
    await vi.waitFor(async () => {
      await monitoring.writer.flush();
      const beats = await call('GET', `/orgs/${orgId}/monitors/${created.body.id}/heartbeats`);
      expect(beats.body).toEqual([expect.objectContaining({ ok: true, status: 'up' }), expect.objectContaining({ ok: true, status: 'up' })]);
    });
  });
});
