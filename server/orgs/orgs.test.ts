import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../testing/app.js';
import { signUp, signUpInvited, TestClient } from '../testing/client.js';

let app: TestApp;
const PASSWORD = 'correct horse battery';
let owner: TestClient;
let orgId: string;
let admin: TestClient;
let adminId: string;
let member: TestClient;
let memberId: string;

const sql = <T = any>(text: string, params: unknown[] = []) => app.orm.em.fork().getConnection().execute<T[]>(text, params);

beforeAll(async () => {
  app = await startTestApp(); // PINGPAGE_SIGNUP=invite
  ({ client: owner, orgId } = await signUp(app.url, 'owner@example.com', { orgName: 'Acme' }));
  ({ client: admin } = await signUpInvited(owner, orgId, 'admin@example.com', 'admin'));
  ({ client: member } = await signUpInvited(owner, orgId, 'member@example.com', 'member'));
  const members = (await owner.get(`/orgs/${orgId}/members`)).body as Array<{ userId: string; email: string; role: string }>;
  adminId = members.find((m) => m.email === 'admin@example.com')!.userId;
  memberId = members.find((m) => m.email === 'member@example.com')!.userId;
});
afterAll(() => app?.stop());

describe('signup policy (invite)', () => {
  it('let the first user in, then only invited emails, who become members with the invited role', async () => {
    const res = await new TestClient(app.url).post('/auth/signup', { email: 'stranger@example.com', password: PASSWORD, name: 'S' });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('SIGNUP_CLOSED');
    const orgs = (await member.get('/auth/me')).body.orgs;
    expect(orgs).toEqual([{ id: orgId, name: 'Acme', role: 'member' }]);
  });

  it('refuses a second account for the same email, whatever its case', async () => {
    await signUpInvited(owner, orgId, 'dupe@example.com');
    await owner.post(`/orgs/${orgId}/members`, { email: 'other@example.com', role: 'member' });
    const res = await new TestClient(app.url).post('/auth/signup', { email: 'DUPE@Example.com', password: PASSWORD, name: 'D' });
    // Invite mode answers 403 (the invitation was used) or 409; the case-insensitive EMAIL_TAKEN
    // itself is proven under open signup in auth.test.ts. Here: no second account either way.
    expect([403, 409]).toContain(res.status);
    const [n] = await sql("SELECT count(*)::int AS n FROM users WHERE lower(email) = 'dupe@example.com'");
    expect(n.n).toBe(1);
  });
});

describe('roles', () => {
  it.each([
    ['add a member', 'POST', () => `/orgs/${orgId}/members`, { email: 'x@example.com', role: 'member' }],
    ['change a role', 'PATCH', () => `/orgs/${orgId}/members/${adminId}`, { role: 'member' }],
    ['remove someone', 'DELETE', () => `/orgs/${orgId}/members/${adminId}`, undefined],
    ['list API keys', 'GET', () => `/orgs/${orgId}/api-keys`, undefined],
    ['create an API key', 'POST', () => `/orgs/${orgId}/api-keys`, { name: 'k', scopes: ['monitors:read'] }],
    ['change settings', 'PATCH', () => `/orgs/${orgId}`, { name: 'Renamed' }],
    ['read the audit log', 'GET', () => `/orgs/${orgId}/audit-log`, undefined],
    ['see invitations', 'GET', () => `/orgs/${orgId}/invitations`, undefined],
    ['delete the org', 'DELETE', () => `/orgs/${orgId}`, undefined],
  ])('a member cannot %s (403)', async (_n, method, path, body) => {
    const res = await member.req(method, path(), body);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
  });

  it("and the member's refused requests changed nothing", async () => {
    expect((await owner.get(`/orgs/${orgId}`)).body.name).toBe('Acme');
    const members = (await owner.get(`/orgs/${orgId}/members`)).body as Array<{ userId: string; role: string }>;
    expect(members.find((m) => m.userId === adminId)?.role).toBe('admin');
    const invited = (await owner.get(`/orgs/${orgId}/invitations`)).body as Array<{ email: string }>;
    expect(invited.map((i) => i.email)).toContain('other@example.com'); // a pending invitation is listed…
    expect(invited.map((i) => i.email)).not.toContain('x@example.com'); // …the member's is not
    expect((await owner.get(`/orgs/${orgId}/api-keys`)).body).toEqual([]);
  });

  it('a member reads the org and its members', async () => {
    expect((await member.get(`/orgs/${orgId}`)).body).toMatchObject({ id: orgId, role: 'member' });
    expect((await member.get(`/orgs/${orgId}/members`)).status).toBe(200);
  });

  it('an admin manages members but cannot remove, demote or create an owner, nor delete the org', async () => {
    const ownerId = (await owner.get('/auth/me')).body.user.id;
    expect((await admin.delete(`/orgs/${orgId}/members/${ownerId}`)).status).toBe(403);
    expect((await admin.patch(`/orgs/${orgId}/members/${ownerId}`, { role: 'member' })).status).toBe(403);
    expect((await admin.patch(`/orgs/${orgId}/members/${memberId}`, { role: 'owner' })).status).toBe(403);
    expect((await admin.post(`/orgs/${orgId}/members`, { email: 'boss@example.com', role: 'owner' })).status).toBe(403);
    expect((await admin.delete(`/orgs/${orgId}`)).status).toBe(403);
    expect((await admin.patch(`/orgs/${orgId}/members/${memberId}`, { role: 'admin' })).body.role).toBe('admin');
    expect((await admin.patch(`/orgs/${orgId}/members/${memberId}`, { role: 'member' })).body.role).toBe('member');
  });

  it('the last owner can neither leave nor be demoted (409 LAST_OWNER); with two owners one may go', async () => {
    const ownerId = (await owner.get('/auth/me')).body.user.id;
    const leave = await owner.delete(`/orgs/${orgId}/members/${ownerId}`);
    expect(leave.status).toBe(409);
    expect(leave.body.error.code).toBe('LAST_OWNER');
    expect((await owner.patch(`/orgs/${orgId}/members/${ownerId}`, { role: 'admin' })).body.error.code).toBe('LAST_OWNER');
    expect((await owner.patch(`/orgs/${orgId}/members/${adminId}`, { role: 'owner' })).status).toBe(200);
    expect((await owner.patch(`/orgs/${orgId}/members/${ownerId}`, { role: 'admin' })).status).toBe(200);
    expect((await admin.patch(`/orgs/${orgId}/members/${ownerId}`, { role: 'owner' })).status).toBe(200); // admin is owner now
    expect((await owner.patch(`/orgs/${orgId}/members/${adminId}`, { role: 'admin' })).status).toBe(200);
  });

  it('a member may leave; then the org is a 404 to them', async () => {
    const { client: leaver } = await signUpInvited(owner, orgId, 'leaver@example.com');
    const me = (await leaver.get('/auth/me')).body.user.id;
    expect((await leaver.delete(`/orgs/${orgId}/members/${me}`)).status).toBe(204);
    expect((await leaver.get(`/orgs/${orgId}`)).status).toBe(404);
  });
});

describe('tenancy', () => {
  it("org A's credentials see none of org B: 404, never 403", async () => {
    const { client: other } = await signUpInvited(owner, orgId, 'other-owner@example.com');
    const orgB = (await other.post('/orgs', { name: 'Other Co' })).body.id as string;
    const keyB = (await other.post(`/orgs/${orgB}/api-keys`, { name: 'b', scopes: ['org:admin'] })).body;
    const keyA = (await owner.post(`/orgs/${orgId}/api-keys`, { name: 'a', scopes: ['org:admin'] })).body;
    for (const path of [`/orgs/${orgB}`, `/orgs/${orgB}/members`, `/orgs/${orgB}/api-keys`, `/orgs/${orgB}/audit-log`]) {
      expect((await owner.get(path)).status, path).toBe(404);
      expect((await new TestClient(app.url, { apiKey: keyA.key }).get(path)).status, path).toBe(404);
    }
    const otherId = (await other.get('/auth/me')).body.user.id as string;
    for (const [method, path, body] of [
      ['PATCH', `/orgs/${orgB}`, { name: 'Taken' }],
      ['POST', `/orgs/${orgB}/members`, { email: 'mole@example.com', role: 'admin' }],
      ['PATCH', `/orgs/${orgB}/members/${otherId}`, { role: 'member' }],
      ['DELETE', `/orgs/${orgB}/members/${otherId}`, undefined],
      ['POST', `/orgs/${orgB}/api-keys`, { name: 'mine', scopes: ['org:admin'] }],
      ['DELETE', `/orgs/${orgB}`, undefined],
    ] as const) {
      expect((await owner.req(method, path, body)).status, `${method} ${path}`).toBe(404);
      expect((await new TestClient(app.url, { apiKey: keyA.key }).req(method, path, body)).status, `key ${method} ${path}`).toBe(404);
    }
    expect((await other.get(`/orgs/${orgB}`)).body).toMatchObject({ name: 'Other Co', role: 'owner' });
    expect((await other.get(`/orgs/${orgB}/members`)).body).toHaveLength(1);
    expect((await owner.delete(`/orgs/${orgB}/api-keys/${keyB.id}`)).status).toBe(404);
    expect((await owner.delete(`/orgs/${orgId}/api-keys/${keyB.id}`)).status).toBe(404); // B's key through A's org
    expect((await new TestClient(app.url, { apiKey: keyB.key }).get('/orgs')).body).toEqual([{ id: orgB, name: 'Other Co', role: null }]);
    expect((await owner.get('/orgs/not-a-uuid')).status).toBe(404);
  });
});

describe('API keys', () => {
  it('are shown once, stored only hashed, scoped, and dead at once when revoked', async () => {
    const created = await owner.post(`/orgs/${orgId}/api-keys`, { name: 'ci', scopes: ['monitors:read'] });
    expect(created.status).toBe(201);
    const { key, id, prefix } = created.body;
    expect(key).toMatch(/^pp_live_[A-Za-z0-9_-]{43}$/);
    expect(key.startsWith(prefix)).toBe(true);
    const listed = (await owner.get(`/orgs/${orgId}/api-keys`)).body as Array<Record<string, unknown>>;
    expect(listed.find((k) => k.id === id)).toMatchObject({ name: 'ci', prefix, scopes: ['monitors:read'], lastUsedAt: null });
    expect(JSON.stringify(listed)).not.toContain(key);

    const dump = JSON.stringify(await sql("SELECT *, encode(key_hash, 'hex') AS hex FROM api_keys"));
    expect(dump).not.toContain(key);
    expect(dump).not.toContain(key.slice(prefix.length));
    expect(dump).toContain(prefix); // the scan reads the rows that hold this key
    // Nor anywhere else: every table of the database, row by row as text, and the log.
    const tables = await sql<{ t: string }>("SELECT quote_ident(table_name) AS t FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'");
    expect(tables.map((r) => r.t)).toContain('api_keys');
    for (const { t } of tables) {
      const rows = JSON.stringify(await sql(`SELECT x::text AS row FROM ${t} x`));
      expect(rows, t).not.toContain(key.slice(prefix.length));
    }

    const program = new TestClient(app.url, { apiKey: key });
    expect((await program.get(`/orgs/${orgId}`)).status).toBe(200);
    for (const [method, path, body] of [
      ['PATCH', `/orgs/${orgId}`, { name: 'by key' }],
      ['POST', `/orgs/${orgId}/members`, { email: 'k@example.com', role: 'member' }],
      ['POST', `/orgs/${orgId}/api-keys`, { name: 'escalate', scopes: ['org:admin'] }],
      ['GET', `/orgs/${orgId}/audit-log`, undefined],
    ] as const) {
      expect((await program.req(method, path, body)).status, `${method} ${path}`).toBe(403);
    }
    expect((await owner.get(`/orgs/${orgId}/api-keys`)).body.find((k: { id: string }) => k.id === id).lastUsedAt).not.toBeNull();

    expect((await owner.delete(`/orgs/${orgId}/api-keys/${id}`)).status).toBe(204);
    const after = await program.get(`/orgs/${orgId}`);
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('INVALID_API_KEY');
    expect(app.logs()).toContain(`/api/v1/orgs/${orgId}`); // the log is captured…
    expect(app.logs()).not.toContain(key.slice(prefix.length)); // …and never holds the key
  });

  it('are told which scope they lack: a 403 names the scopes that would allow the request', async () => {
    const { key } = (await owner.post(`/orgs/${orgId}/api-keys`, { name: 'reader', scopes: ['monitors:read', 'status-pages:read'] })).body;
    const program = new TestClient(app.url, { apiKey: key });
    const write = await program.post(`/orgs/${orgId}/monitors`, { name: 'x', probe: 'tcp', config: { host: '127.0.0.1', port: 1 } });
    expect(write.status).toBe(403);
    expect(write.body.error).toEqual({
      code: 'FORBIDDEN',
      message: 'This API key lacks the scope this needs: one of monitors:write, org:admin (it has monitors:read, status-pages:read)',
      details: { requiredScopes: ['monitors:write', 'org:admin'] },
    });
    const audit = await program.get(`/orgs/${orgId}/audit-log`);
    expect(audit.status).toBe(403);
    expect(audit.body.error).toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('needs: org:admin (it has'), details: { requiredScopes: ['org:admin'] } });
    // What no key may do says so, with no scope to ask for.
    const gone = await program.delete(`/orgs/${orgId}`);
    expect(gone.status).toBe(403);
    expect(gone.body.error).toEqual({ code: 'FORBIDDEN', message: 'API keys may not do this, whatever their scopes: sign in as a person', details: { requiredScopes: [] } });
    // A person is refused as before: roles, not scopes.
    const byMember = await member.get(`/orgs/${orgId}/audit-log`);
    expect(byMember.status).toBe(403);
    expect(byMember.body.error).toEqual({ code: 'FORBIDDEN', message: 'You are not allowed to do this' });
  });

  it('refuse malformed keys and unknown scopes', async () => {
    expect((await new TestClient(app.url, { apiKey: 'pp_live_short' }).get('/orgs')).status).toBe(401);
    expect((await new TestClient(app.url, { apiKey: 'pp_live_' + 'A'.repeat(43) }).get('/orgs')).status).toBe(401);
    const bad = await owner.post(`/orgs/${orgId}/api-keys`, { name: 'x', scopes: ['root'] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('scopes.0');
  });

  it('are exempt from CSRF (no ambient credential) but never create orgs', async () => {
    const { key } = (await owner.post(`/orgs/${orgId}/api-keys`, { name: 'admin', scopes: ['org:admin'] })).body;
    const program = new TestClient(app.url, { apiKey: key, origin: 'https://elsewhere.example' });
    expect((await program.post(`/orgs/${orgId}/members`, { email: 'bykey@example.com', role: 'member' })).status).toBe(201);
    expect((await program.post('/orgs', { name: 'x' })).status).toBe(403);
  });
});

describe('audit log', () => {
  it("records member and role changes, key creation and revocation; members' sign-ins stay theirs", async () => {
    await new TestClient(app.url).post('/auth/login', { email: 'member@example.com', password: 'wrong password' });
    await new TestClient(app.url).post('/auth/login', { email: 'member@example.com', password: PASSWORD });
    const log = (await owner.get(`/orgs/${orgId}/audit-log?limit=500`)).body as Array<{ action: string; target: string }>;
    const actions = new Set(log.map((e) => e.action));
    for (const a of ['member.invited', 'member.invitation_accepted', 'member.joined', 'member.role_changed', 'member.left', 'api_key.created', 'api_key.revoked']) {
      expect(actions, a).toContain(a);
    }
    // Account events are the person's own (auth/activity.test.ts), never the org's.
    expect(log.filter((e) => e.action.startsWith('auth.'))).toEqual([]);
    const own = (await member.get('/auth/security-activity')).body as Array<{ action: string; target: string }>;
    expect(own.find((e) => e.action === 'auth.login_failed')!.target).toBe(memberId);
    expect(JSON.stringify(own)).not.toContain('wrong password');
    const page = (await owner.get(`/orgs/${orgId}/audit-log?limit=2`)).body;
    expect(page).toHaveLength(2);
    const next = (await owner.get(`/orgs/${orgId}/audit-log?limit=2&before=${page[1].id}`)).body;
    expect(Number(next[0].id)).toBeLessThan(Number(page[1].id));
    expect((await owner.get(`/orgs/${orgId}/audit-log?limit=0`)).status).toBe(400);
  });
});
