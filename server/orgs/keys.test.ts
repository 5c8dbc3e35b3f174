/**
 * Hole 7: API keys do not outlive their creator's membership. Lowering a role narrows (or
 * revokes) the keys its holder is answerable for, removing or leaving revokes them, in the
 * membership change's transaction, audited; sockets those keys opened drop at once; and a
 * request already let in cannot act after its author was removed.
 */
import pg from 'pg';
import type { Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { scopesWithin } from '../auth/authorize.js';
import { SCOPES } from '../../contracts/auth.js';
import { startTestApp, type TestApp } from '../testing/app.js';
import { addMember, signUp, TestClient } from '../testing/client.js';
import { connected, emitAck, openSocket } from '../testing/sockets.js';

let app: TestApp;
let owner: TestClient;
let orgA: string;
const sockets: Socket[] = [];

beforeAll(async () => {
  app = await startTestApp({ PINGPAGE_SIGNUP: 'open' });
  ({ client: owner, orgId: orgA } = await signUp(app.url, 'owner@example.com', { orgName: 'A' }));
});
afterEach(() => {
  for (const s of sockets.splice(0)) s.disconnect();
});
afterAll(() => app?.stop());

/** Someone with an account (and an org of their own) who is also `role` in org A. */
async function memberOfA(email: string, role: 'admin' | 'member') {
  const { client, user } = await signUp(app.url, email);
  await addMember(owner, orgA, client, role);
  return { client, id: user.id };
}

async function keyOf(client: TestClient, name: string, scopes: string[]): Promise<{ id: string; key: string; api: TestClient }> {
  const res = await client.post(`/orgs/${orgA}/api-keys`, { name, scopes });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { id: res.body.id, key: res.body.key, api: new TestClient(app.url, { apiKey: res.body.key }) };
}

async function watching(token: string): Promise<Socket> {
  const s = openSocket(app.url, '/dashboard', { token });
  sockets.push(s);
  await connected(s);
  expect((await emitAck(s, 'subscribe', { orgId: orgA })).ok).toBe(true);
  return s;
}

/** Resolves once the server dropped the socket; fails after 5 s. */
function dropped(s: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!s.connected) return resolve();
    const timer = setTimeout(() => reject(new Error('the socket is still connected')), 5_000);
    s.once('disconnect', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Resolves with the next heartbeat the socket receives; fails after 5 s. */
function nextBeat(s: Socket): Promise<{ monitorId: string }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no heartbeat reached the socket')), 5_000);
    s.once('heartbeat', (b: { monitorId: string }) => {
      clearTimeout(timer);
      resolve(b);
    });
  });
}

const tcp = (name: string) => ({ name, probe: 'tcp', config: { host: '127.0.0.1', port: 9 } });

type Entry = { action: string; target: string; actor: { userId: string | null }; details: Record<string, unknown> | null };
const auditOf = async (target: string) => ((await owner.get(`/orgs/${orgA}/audit-log?limit=500`)).body as Entry[]).filter((e) => e.target === target);

describe('what a role allows (from the one table in auth/authorize.ts)', () => {
  it.each([
    ['owner', [...SCOPES]],
    ['admin', [...SCOPES]],
    ['member', ['monitors:read', 'status-pages:read']],
    [null, []],
  ] as const)('%s keeps %j', (role, kept) => {
    expect(scopesWithin(role, SCOPES)).toEqual(kept);
  });
});

describe("an admin's keys", () => {
  it('lose write and admin scopes when the admin becomes a member: writes get 403, keys left empty get 401, their sockets drop, audited', async () => {
    const { client: admin, id: adminId } = await memberOfA('demoted@example.com', 'admin');
    const full = await keyOf(admin, 'deploy', ['org:admin']);
    const rw = await keyOf(admin, 'ci', ['monitors:read', 'monitors:write']);
    const read = await keyOf(admin, 'tv', ['monitors:read']);
    const pages = await keyOf(admin, 'pages', ['status-pages:write']);
    // A key made by a key answers to the same person.
    const minted = (await full.api.post(`/orgs/${orgA}/api-keys`, { name: 'minted', scopes: ['monitors:write', 'status-pages:read'] })).body;
    const sFull = await watching(full.key);
    const sRw = await watching(rw.key);
    const sRead = await watching(read.key);

    const demoted = await owner.patch(`/orgs/${orgA}/members/${adminId}`, { role: 'member' });
    expect(demoted.status).toBe(200);
    const write = await rw.api.post(`/orgs/${orgA}/monitors`, tcp('by a narrowed key'));
    expect(write.status).toBe(403);
    expect(write.body.error.code).toBe('FORBIDDEN');
    for (const gone of [full, pages]) {
      const res = await gone.api.get(`/orgs/${orgA}`);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('INVALID_API_KEY');
    }
    await Promise.all([dropped(sFull), dropped(sRw)]);
    expect((await rw.api.get(`/orgs/${orgA}/monitors`)).status).toBe(200);
    const mintedApi = new TestClient(app.url, { apiKey: minted.key });
    expect((await mintedApi.post(`/orgs/${orgA}/monitors`, tcp('by a minted key'))).status).toBe(403);
    expect((await mintedApi.get(`/orgs/${orgA}/status-pages`)).status).toBe(200);
    expect((await owner.get(`/orgs/${orgA}/monitors`)).body).toEqual([]);
    const kept = (await owner.get(`/orgs/${orgA}/api-keys`)).body as Array<{ id: string; scopes: string[] }>;
    expect(kept.filter((k) => [full.id, rw.id, read.id, pages.id].includes(k.id)).map((k) => [k.id, k.scopes])).toEqual(
      expect.arrayContaining([[rw.id, ['monitors:read']], [read.id, ['monitors:read']]]),
    );
    expect(kept.map((k) => k.id)).not.toContain(full.id);

    // The key whose scopes all survived keeps its socket; the narrowed one comes back with what is left.
    const beat = nextBeat(sRead);
    app.realtime.toOrg(orgA, 'heartbeat', { monitorId: 'still-here', at: new Date().toISOString(), status: 'up', ok: true, latencyMs: 1 });
    expect((await beat).monitorId).toBe('still-here');
    await watching(rw.key);

    const ownerId = (await owner.get('/auth/me')).body.user.id;
    expect((await auditOf(rw.id)).find((e) => e.action === 'api_key.narrowed')).toMatchObject({
      actor: { userId: ownerId },
      details: { reason: 'role_lowered', from: ['monitors:read', 'monitors:write'], to: ['monitors:read'] },
    });
    expect((await auditOf(minted.id)).find((e) => e.action === 'api_key.narrowed')?.details).toMatchObject({ to: ['status-pages:read'] });
    for (const id of [full.id, pages.id]) {
      expect((await auditOf(id)).find((e) => e.action === 'api_key.revoked'), id).toMatchObject({ actor: { userId: ownerId }, details: { reason: 'role_lowered' } });
    }
    expect(await auditOf(read.id)).toEqual([expect.objectContaining({ action: 'api_key.created' })]);
    expect(minted.createdBy).toBe(adminId);
  });

  it('all get 401 at once when the person is removed, and every socket they opened drops', async () => {
    const { client: admin, id } = await memberOfA('removed@example.com', 'admin');
    const full = await keyOf(admin, 'deploy', ['org:admin']);
    const read = await keyOf(admin, 'tv', ['monitors:read']);
    const theirs = [await watching(full.key), await watching(read.key)];
    expect((await owner.delete(`/orgs/${orgA}/members/${id}`)).status).toBe(204);
    for (const k of [full, read]) {
      const res = await k.api.get(`/orgs/${orgA}/monitors`);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('INVALID_API_KEY');
      expect((await auditOf(k.id)).map((e) => [e.action, e.details?.reason])).toContainEqual(['api_key.revoked', 'member_removed']);
    }
    await Promise.all(theirs.map(dropped));
    await expect(connected(openSocket(app.url, '/dashboard', { token: read.key }))).rejects.toThrow('UNAUTHORIZED');
  });

  it('are revoked when the person leaves, in their own name', async () => {
    const { client: admin, id } = await memberOfA('leaver@example.com', 'admin');
    const k = await keyOf(admin, 'mine', ['monitors:write']);
    expect((await admin.delete(`/orgs/${orgA}/members/${id}`)).status).toBe(204);
    expect((await k.api.get(`/orgs/${orgA}`)).status).toBe(401);
    expect((await auditOf(k.id)).find((e) => e.action === 'api_key.revoked')).toMatchObject({ actor: { userId: id }, details: { reason: 'member_left' } });
  });

  it('stay as they were when the membership change is refused (409 LAST_OWNER): keys change in its transaction', async () => {
    const ownerId = (await owner.get('/auth/me')).body.user.id;
    const k = await keyOf(owner, 'owner key', ['org:admin', 'monitors:write']);
    const refused = await owner.patch(`/orgs/${orgA}/members/${ownerId}`, { role: 'member' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('LAST_OWNER');
    expect((await owner.get(`/orgs/${orgA}/api-keys`)).body.find((x: { id: string }) => x.id === k.id).scopes).toEqual(['org:admin', 'monitors:write']);
    expect((await k.api.post(`/orgs/${orgA}/monitors`, tcp('owner key works'))).status).toBe(201);
    expect(await auditOf(k.id)).toEqual([expect.objectContaining({ action: 'api_key.created' })]);
  });
});

describe('a request in flight when its author is removed', () => {
  it.each([
    ['a session', 404, 'NOT_FOUND'],
    ['an API key', 401, 'INVALID_API_KEY'],
  ] as const)('cannot act afterwards (%s: %i %s), and the change is not made', async (how, status, code) => {
    const { client, id } = await memberOfA(how === 'a session' ? 'inflight-session@example.com' : 'inflight-key@example.com', 'admin');
    const actor = how === 'a session' ? client : (await keyOf(client, 'in flight', ['monitors:write'])).api;
    const monitor = (await owner.post(`/orgs/${orgA}/monitors`, tcp(`Site ${how}`))).body as { id: string; name: string };
    // Paused: no scheduled check writes its row while the test holds it.
    expect((await owner.post(`/orgs/${orgA}/monitors/${monitor.id}/pause`)).status).toBe(200);

    // Hold the monitor's row so the request stops inside its transaction, after the guard let it in.
    const holder = new pg.Client({ connectionString: app.db.url });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM monitors WHERE id = $1 FOR UPDATE', [monitor.id]);
      const inFlight = actor.patch(`/orgs/${orgA}/monitors/${monitor.id}`, { name: 'Renamed after removal' });
      let waiting = 0;
      for (let i = 0; i < 400 && !waiting; i++) {
        const { rows } = await holder.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
        );
        waiting = rows[0]!.n;
        if (!waiting) await new Promise((r) => setTimeout(r, 25));
      }
      expect(waiting).toBe(1);
      expect((await owner.delete(`/orgs/${orgA}/members/${id}`)).status).toBe(204);
      await holder.query('ROLLBACK');
      const res = await inFlight;
      expect(res.status).toBe(status);
      expect(res.body.error.code).toBe(code);
    } finally {
      await holder.end();
    }
    expect((await owner.get(`/orgs/${orgA}/monitors/${monitor.id}`)).body.name).toBe(monitor.name);
    expect((await auditOf(monitor.id)).map((e) => e.action)).toEqual(['monitor.paused', 'monitor.created']);
  });
});
