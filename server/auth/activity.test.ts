/**
 * Hole 2: an org's audit log shows that org's events only; a person's sign-ins, failed sign-ins,
 * addresses, password changes and session revocations are theirs alone (GET /auth/security-activity).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../testing/app.js';
import { addMember, signUp, TestClient } from '../testing/client.js';
import type { AuditJson } from '../../contracts/accounts.js';

let app: TestApp;
const PASSWORD = 'correct horse battery';
const NEW_PASSWORD = 'a brand new passphrase';
let ownerA: TestClient; // owner of org A
let orgA: string;
let m: TestClient; // member of A, owner of org B
let mId: string;
let orgB: string;
let ownerAId: string;

beforeAll(async () => {
  app = await startTestApp({ PINGPAGE_SIGNUP: 'open' });
  ({ client: ownerA, orgId: orgA, user: { id: ownerAId } } = await signUp(app.url, 'owner-a@example.com', { orgName: 'A' }));
  ({ client: m, orgId: orgB, user: { id: mId } } = await signUp(app.url, 'm@example.com', { orgName: 'B' }));
  await addMember(ownerA, orgA, m, 'member');

  // M's account activity: a failed and a good sign-in, a password change, a revoked session.
  expect((await new TestClient(app.url).post('/auth/login', { email: 'M@example.com', password: 'guessed wrong' })).status).toBe(401);
  const other = new TestClient(app.url);
  expect((await other.post('/auth/login', { email: 'm@example.com', password: PASSWORD })).status).toBe(200);
  const otherSession = (await other.get('/auth/sessions')).body.find((s: { current: boolean }) => s.current).id as string;
  expect((await m.delete(`/auth/sessions/${otherSession}`)).status).toBe(204);
  expect((await m.post('/auth/password', { currentPassword: PASSWORD, newPassword: NEW_PASSWORD })).status).toBe(204);
});
afterAll(() => app?.stop());

const ACCOUNT_EVENTS = ['auth.login', 'auth.login_failed', 'auth.password_changed', 'auth.session_revoked'];

describe('an org audit log', () => {
  it("shows none of a member's account activity, in the org they joined nor in the one they own", async () => {
    const logA = (await ownerA.get(`/orgs/${orgA}/audit-log?limit=500`)).body as AuditJson[];
    expect(logA.map((e) => e.action)).toContain('member.joined'); // the org's own events are there…
    expect(logA.filter((e) => e.action.startsWith('auth.'))).toEqual([]); // …no one's sign-ins
    // M is named only by the org's own events about M's membership: the invitation and its acceptance.
    const naming = logA.filter((e) => JSON.stringify(e).includes(mId) || JSON.stringify(e).includes('m@example.com'));
    expect(naming.map((e) => e.action).sort()).toEqual(['member.invitation_accepted', 'member.invited']);

    const logB = (await m.get(`/orgs/${orgB}/audit-log?limit=500`)).body as AuditJson[];
    expect(logB.map((e) => e.action)).toContain('member.joined');
    expect(logB.filter((e) => e.action.startsWith('auth.'))).toEqual([]);
  });
});

describe('GET /auth/security-activity', () => {
  it("shows the person their own sign-ins, failed sign-ins with address and typed email, password change and revoked session", async () => {
    const res = await m.get('/auth/security-activity');
    expect(res.status).toBe(200);
    const mine = res.body as AuditJson[];
    expect(mine.map((e) => e.action)).toEqual(['auth.password_changed', 'auth.session_revoked', 'auth.login', 'auth.login_failed']);
    for (const e of mine) {
      expect(e.target).toBe(mId);
      expect(e.ip).toMatch(/127\.0\.0\.1/);
    }
    expect(mine.find((e) => e.action === 'auth.login_failed')).toMatchObject({ actor: { userId: null, keyId: null }, details: { email: 'm@example.com' } });
    expect(JSON.stringify(mine)).not.toContain('guessed wrong');
    expect(JSON.stringify(mine)).not.toContain(NEW_PASSWORD);
  });

  it('pages like the audit log: limit, then before the last id', async () => {
    const first = (await m.get('/auth/security-activity?limit=2')).body as AuditJson[];
    expect(first.map((e) => e.action)).toEqual(['auth.password_changed', 'auth.session_revoked']);
    const next = (await m.get(`/auth/security-activity?limit=2&before=${first[1]!.id}`)).body as AuditJson[];
    expect(next.map((e) => e.action)).toEqual(['auth.login', 'auth.login_failed']);
    expect((await m.get(`/auth/security-activity?limit=2&before=${next[1]!.id}`)).body).toEqual([]);
  });

  it("does not show one person's activity to another, an org owner included", async () => {
    expect((await new TestClient(app.url).post('/auth/login', { email: 'owner-a@example.com', password: PASSWORD })).status).toBe(200);
    const theirs = (await ownerA.get('/auth/security-activity?limit=500')).body as AuditJson[];
    expect(theirs.map((e) => e.action)).toEqual(['auth.login']);
    expect(theirs[0]!.target).toBe(ownerAId);
    expect(JSON.stringify(theirs)).not.toContain(mId);
  });

  it.each([
    ['userId', () => `userId=${mId}`],
    ['user', () => `user=${mId}`],
    ['target', () => `target=${mId}`],
    ['email', () => 'email=m@example.com'],
    ['orgId', () => `orgId=${orgA}`],
    ['limit 0', () => 'limit=0'],
    ['limit 501', () => 'limit=501'],
    ['before not a number', () => 'before=1%20OR%201=1'],
  ])("refuses another query (%s) with 400 VALIDATION_FAILED, showing no one's activity", async (_n, query) => {
    const res = await ownerA.get(`/auth/security-activity?${query()}`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(JSON.stringify(res.body)).not.toContain('auth.');
  });

  it('is refused to API keys (403: it belongs to a person) and to strangers (401)', async () => {
    const { key } = (await ownerA.post(`/orgs/${orgA}/api-keys`, { name: 'admin', scopes: ['org:admin'] })).body;
    const byKey = await new TestClient(app.url, { apiKey: key }).get('/auth/security-activity');
    expect(byKey.status).toBe(403);
    expect(byKey.body.error.code).toBe('FORBIDDEN');
    const anonymous = await new TestClient(app.url).get('/auth/security-activity');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('UNAUTHORIZED');
  });
});
