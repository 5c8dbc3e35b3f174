/**
 * Hole 1 of issue 12: an invitation is taken only through its own secret link, by the account of
 * the invited email, once. Whole PingPages on the test database; a real SMTP server for e-mail.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../testing/app.js';
import { invite, signUp, tokenOf, TestClient } from '../testing/client.js';
import { smtpReceiver, type SmtpReceiver } from '../testing/receivers.js';

const PASSWORD = 'correct horse battery';
let app: TestApp; // PINGPAGE_SIGNUP=open: strangers can make accounts, so impostors can try
let owner: TestClient;
let orgId: string;

const sqlOf = (a: TestApp) => <T = any>(text: string, params: unknown[] = []) => a.orm.em.fork().getConnection().execute<T[]>(text, params);
const sql = <T = any>(text: string, params: unknown[] = []) => sqlOf(app)<T>(text, params);
const orgsOf = async (c: TestClient) => ((await c.get('/auth/me')).body.orgs as Array<{ id: string; role: string }>).map((o) => `${o.id}:${o.role}`);
const memberEmails = async (org = orgId, by = owner) => ((await by.get(`/orgs/${org}/members`)).body as Array<{ email: string }>).map((m) => m.email);
const auditOf = async (action: string) =>
  sql<{ actor_user_id: string | null; target: string; details: Record<string, unknown> }>('SELECT actor_user_id, target, details FROM audit_log WHERE org_id = ? AND action = ? ORDER BY id', [orgId, action]);
const idOf = async (c: TestClient) => (await c.get('/auth/me')).body.user.id as string;

beforeAll(async () => {
  app = await startTestApp({ PINGPAGE_SIGNUP: 'open' });
  ({ client: owner, orgId } = await signUp(app.url, 'ada@example.com', { name: 'Ada Lovelace', orgName: 'Acme' }));
});
afterAll(() => app?.stop());

describe('hole 1: an invitation is taken only through its own link', () => {
  it('an impostor who signs up with an invited address but without the link gets no membership', async () => {
    const invited = await owner.post(`/orgs/${orgId}/members`, { email: 'bob@example.com', role: 'admin' });
    expect(invited.status).toBe(201);
    const { client: impostor } = await signUp(app.url, 'bob@example.com', { name: 'Not Bob' });
    expect(await orgsOf(impostor)).not.toContain(`${orgId}:admin`);
    expect((await impostor.get(`/orgs/${orgId}`)).status).toBe(404);
    expect(await memberEmails()).not.toContain('bob@example.com');
    // The invitation is still there for whoever holds the link (and has the address).
    expect(((await owner.get(`/orgs/${orgId}/invitations`)).body as Array<{ email: string; state: string }>).find((i) => i.email === 'bob@example.com')?.state).toBe('pending');
  });

  it('adding an existing account only invites it: no member, and not listed, until it accepts its link', async () => {
    const { client: carol, user } = await signUp(app.url, 'carol@example.com', { name: 'Carol' });
    const invited = await owner.post(`/orgs/${orgId}/members`, { email: 'carol@example.com', role: 'member' });
    expect(invited.status).toBe(201);
    expect(invited.body.pending).toBe(true);
    expect(invited.body).not.toHaveProperty('userId');
    expect(await memberEmails()).not.toContain('carol@example.com');
    expect(await orgsOf(carol)).not.toContain(`${orgId}:member`);

    const token = tokenOf(invited.body.link);
    const preview = await carol.get(`/invitations/${token}`);
    expect(preview.status).toBe(200);
    expect(preview.headers.get('cache-control')).toBe('no-store');
    expect(preview.body).toEqual({ org: { id: orgId, name: 'Acme' }, inviter: 'Ada Lovelace', email: 'carol@example.com', role: 'member', expiresAt: invited.body.expiresAt });
    const accepted = await carol.post(`/invitations/${token}/accept`);
    expect(accepted.status).toBe(200);
    expect(accepted.body).toEqual({ org: { id: orgId, name: 'Acme', role: 'member' } });
    expect(await orgsOf(carol)).toContain(`${orgId}:member`);
    expect(await memberEmails()).toContain('carol@example.com');
    const [entry] = (await auditOf('member.invitation_accepted')).filter((e) => e.target === user.id);
    expect(entry).toMatchObject({ actor_user_id: user.id, details: { invitationId: invited.body.id, email: 'carol@example.com', role: 'member' } });
  });

  it('the answer to inviting an existing account and a new email is the same (no enumeration)', async () => {
    await signUp(app.url, 'dave@example.com');
    const existing = await owner.post(`/orgs/${orgId}/members`, { email: 'dave@example.com', role: 'member' });
    const fresh = await owner.post(`/orgs/${orgId}/members`, { email: 'nobody-yet@example.com', role: 'member' });
    expect([existing.status, fresh.status]).toEqual([201, 201]);
    const shape = (b: Record<string, unknown>) => Object.fromEntries(Object.entries(b).map(([k, v]) => [k, ['pending', 'emailed', 'state', 'role', 'invitedBy'].includes(k) ? v : typeof v]));
    expect(shape(existing.body)).toEqual(shape(fresh.body));
    expect(existing.body).toMatchObject({ pending: true, emailed: false, state: 'pending' });
  });

  it('the link is pp_inv_ + 256 random bits under PUBLIC_URL/invite/, answered once (no-store), stored only as its SHA-256, never listed or logged', async () => {
    const res = await owner.post(`/orgs/${orgId}/members`, { email: 'erin@example.com', role: 'member' });
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body.link).toMatch(new RegExp(`^${app.config.PUBLIC_URL}/invite/pp_inv_[A-Za-z0-9_-]{43}$`));
    const token = tokenOf(res.body.link);
    const secret = token.slice('pp_inv_'.length);
    expect(new Date(res.body.expiresAt).getTime() - Date.now()).toBeGreaterThan(6.99 * 86_400_000);
    expect(new Date(res.body.expiresAt).getTime() - Date.now()).toBeLessThan(7.01 * 86_400_000);
    const list = await owner.get(`/orgs/${orgId}/invitations`);
    expect(JSON.stringify(list.body)).not.toContain(secret);
    expect(list.body.every((i: Record<string, unknown>) => !('link' in i) && !('token' in i))).toBe(true);
    const [stored] = await sql<{ hex: string }>("SELECT encode(token_hash, 'hex') AS hex FROM invitations WHERE id = ?", [res.body.id]);
    expect(stored!.hex).toBe(createHash('sha256').update(token).digest('hex'));
    expect((await new TestClient(app.url).get(`/invitations/${token}`)).status).toBe(200); // its path reaches the request log…
    const tables = await sql<{ t: string }>("SELECT quote_ident(table_name) AS t FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'");
    for (const { t } of tables) expect(JSON.stringify(await sql(`SELECT x::text AS row FROM ${t} x`)), t).not.toContain(secret);
    expect(app.logs()).toContain('/api/v1/invitations/pp_inv_[redacted]'); // …redacted
    expect(app.logs()).not.toContain(secret);
  });

  it('accepting needs the account of the invited email (any case): another account gets 403 INVITATION_EMAIL_MISMATCH and nothing changes', async () => {
    const token = await invite(owner, orgId, 'Frank@Example.com', 'admin');
    const { client: other } = await signUp(app.url, 'mallory@example.com');
    const wrong = await other.post(`/invitations/${token}/accept`);
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.code).toBe('INVITATION_EMAIL_MISMATCH');
    expect(await orgsOf(other)).not.toContain(`${orgId}:admin`);
    const { client: frank } = await signUp(app.url, 'frank@example.com');
    expect((await frank.post(`/invitations/${token}/accept`)).status).toBe(200); // the same link still works for Frank
    expect(await orgsOf(frank)).toContain(`${orgId}:admin`);
  });

  it('is single use: of 8 concurrent accepts one wins, the others get 404; one membership, one audit entry', async () => {
    const token = await invite(owner, orgId, 'grace@example.com');
    const { client: grace, user } = await signUp(app.url, 'grace@example.com');
    const answers = await Promise.all(Array.from({ length: 8 }, () => grace.clone().post(`/invitations/${token}/accept`)));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 404, 404, 404, 404, 404, 404, 404]);
    expect(answers.filter((a) => a.status === 404).every((a) => a.body.error.code === 'INVITATION_NOT_FOUND')).toBe(true);
    const [n] = await sql<{ n: number }>('SELECT count(*)::int AS n FROM memberships WHERE org_id = ? AND user_id = ?', [orgId, user.id]);
    expect(n!.n).toBe(1);
    expect((await auditOf('member.invitation_accepted')).filter((e) => e.target === user.id)).toHaveLength(1);
  });

  it('a used, revoked, replaced, unknown or malformed link is 404 INVITATION_NOT_FOUND, an expired one 410 INVITATION_EXPIRED: nothing changes', async () => {
    const { client: heidi, user } = await signUp(app.url, 'heidi@example.com');
    const used = await invite(owner, orgId, 'heidi@example.com');
    expect((await heidi.post(`/invitations/${used}/accept`)).status).toBe(200);
    expect((await owner.delete(`/orgs/${orgId}/members/${user.id}`)).status).toBe(204);
    const revoked = await invite(owner, orgId, 'heidi@example.com');
    const revokedId = (await owner.get(`/orgs/${orgId}/invitations`)).body.find((i: { email: string }) => i.email === 'heidi@example.com').id;
    expect((await owner.delete(`/orgs/${orgId}/invitations/${revokedId}`)).status).toBe(204);
    const replaced = await invite(owner, orgId, 'heidi@example.com');
    const current = await invite(owner, orgId, 'heidi@example.com'); // inviting again issues a new link
    const expired = await invite(owner, orgId, 'ivan@example.com');
    await sql("UPDATE invitations SET expires_at = now() - interval '1 minute' WHERE lower(email) = 'ivan@example.com'");
    const { client: ivan } = await signUp(app.url, 'ivan@example.com');
    for (const [name, who, token, status, code] of [
      ['used', heidi, used, 404, 'INVITATION_NOT_FOUND'],
      ['revoked', heidi, revoked, 404, 'INVITATION_NOT_FOUND'],
      ['replaced', heidi, replaced, 404, 'INVITATION_NOT_FOUND'],
      ['unknown', heidi, 'pp_inv_' + 'A'.repeat(43), 404, 'INVITATION_NOT_FOUND'],
      ['malformed', heidi, 'pp_inv_short', 404, 'INVITATION_NOT_FOUND'],
      ['an API key', heidi, 'pp_live_' + 'A'.repeat(43), 404, 'INVITATION_NOT_FOUND'],
      ['expired', ivan, expired, 410, 'INVITATION_EXPIRED'],
    ] as const) {
      const preview = await who.get(`/invitations/${token}`);
      expect([preview.status, preview.body.error?.code], `preview ${name}`).toEqual([status, code]);
      const accept = await who.post(`/invitations/${token}/accept`);
      expect([accept.status, accept.body.error?.code], `accept ${name}`).toEqual([status, code]);
    }
    expect(await orgsOf(heidi)).not.toContain(`${orgId}:member`);
    expect(await orgsOf(ivan)).not.toContain(`${orgId}:member`);
    expect((await heidi.post(`/invitations/${current}/accept`)).status).toBe(200);
  });

  it('signing up with the link makes the account and the membership in one transaction; a bad link makes neither', async () => {
    const token = await invite(owner, orgId, 'judy@example.com', 'admin');
    for (const [name, email, t, status, code] of [
      ['another address', 'not-judy@example.com', token, 403, 'INVITATION_EMAIL_MISMATCH'],
      ['an unknown link', 'judy@example.com', 'pp_inv_' + 'B'.repeat(43), 404, 'INVITATION_NOT_FOUND'],
    ] as const) {
      const res = await new TestClient(app.url).post('/auth/signup', { email, password: PASSWORD, name: 'J', invitationToken: t });
      expect([res.status, res.body.error?.code], name).toEqual([status, code]);
      const [n] = await sql<{ n: number }>('SELECT count(*)::int AS n FROM users WHERE lower(email) = ?', [email]);
      expect(n!.n, name).toBe(0);
    }
    const res = await new TestClient(app.url).post('/auth/signup', { email: 'JUDY@example.com', password: PASSWORD, name: 'Judy', invitationToken: token });
    expect(res.status).toBe(201);
    expect(res.body.joined).toEqual({ id: orgId, name: 'Acme', role: 'admin' });
    expect((await auditOf('member.invitation_accepted')).some((e) => e.target === res.body.user.id && e.actor_user_id === res.body.user.id)).toBe(true);
  });

  it('an invitee cannot choose its role: extra fields are refused (400) and the role is the invitation’s', async () => {
    const token = await invite(owner, orgId, 'ken@example.com', 'member');
    const { client: ken } = await signUp(app.url, 'ken@example.com');
    for (const body of [{ role: 'owner' }, { orgId, role: 'admin' }]) {
      const res = await ken.post(`/invitations/${token}/accept`, body);
      expect([res.status, res.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
    }
    const viaSignup = await new TestClient(app.url).post('/auth/signup', { email: 'ken2@example.com', password: PASSWORD, name: 'K', invitationToken: token, role: 'owner' });
    expect([viaSignup.status, viaSignup.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect(await orgsOf(ken)).not.toContain(`${orgId}:member`);
    expect((await ken.post(`/invitations/${token}/accept`)).body.org.role).toBe('member');
    expect(await orgsOf(ken)).toContain(`${orgId}:member`);
  });

  it('accepting needs a signed-in person: 401 without a session, 403 for an API key', async () => {
    const token = await invite(owner, orgId, 'leo@example.com');
    const anonymous = await new TestClient(app.url).post(`/invitations/${token}/accept`);
    expect([anonymous.status, anonymous.body.error.code]).toEqual([401, 'UNAUTHORIZED']);
    const { key } = (await owner.post(`/orgs/${orgId}/api-keys`, { name: 'admin', scopes: ['org:admin'] })).body;
    const byKey = await new TestClient(app.url, { apiKey: key }).post(`/invitations/${token}/accept`);
    expect([byKey.status, byKey.body.error.code]).toEqual([403, 'FORBIDDEN']);
    expect(await memberEmails()).not.toContain('leo@example.com');
  });
});

describe('listing, resending and revoking', () => {
  it('lists pending and expired invitations with their state; resend issues a new link (the old one dies) and a new expiry; revoke kills the link; each audited', async () => {
    const first = await owner.post(`/orgs/${orgId}/members`, { email: 'mia@example.com', role: 'member' });
    const oldToken = tokenOf(first.body.link);
    await sql("UPDATE invitations SET expires_at = now() - interval '1 day' WHERE id = ?", [first.body.id]);
    const listed = (await owner.get(`/orgs/${orgId}/invitations`)).body.find((i: { id: string }) => i.id === first.body.id);
    expect(listed).toMatchObject({ email: 'mia@example.com', role: 'member', state: 'expired', emailed: false });

    const resent = await owner.post(`/orgs/${orgId}/invitations/${first.body.id}/resend`);
    expect(resent.status).toBe(200);
    expect(resent.headers.get('cache-control')).toBe('no-store');
    expect(resent.body).toMatchObject({ id: first.body.id, state: 'pending', pending: true });
    expect(new Date(resent.body.expiresAt).getTime() - Date.now()).toBeGreaterThan(6.99 * 86_400_000);
    const newToken = tokenOf(resent.body.link);
    expect(newToken).not.toBe(oldToken);
    expect((await new TestClient(app.url).get(`/invitations/${oldToken}`)).status).toBe(404);
    expect((await new TestClient(app.url).get(`/invitations/${newToken}`)).status).toBe(200);

    expect((await owner.delete(`/orgs/${orgId}/invitations/${first.body.id}`)).status).toBe(204);
    expect((await new TestClient(app.url).get(`/invitations/${newToken}`)).status).toBe(404);
    expect((await owner.get(`/orgs/${orgId}/invitations`)).body.some((i: { id: string }) => i.id === first.body.id)).toBe(false);
    const ownerId = await idOf(owner);
    for (const action of ['member.invited', 'member.invitation_resent', 'member.invitation_revoked']) {
      expect((await auditOf(action)).some((e) => e.target === first.body.id && e.actor_user_id === ownerId), action).toBe(true);
    }
  });

  it('who may not: a member (403), a key without org:admin (403), another org’s admin (404), an invitee (404); an admin touches no owner invitation (403); nothing changes', async () => {
    const pending = await owner.post(`/orgs/${orgId}/members`, { email: 'nina@example.com', role: 'member' });
    const ownerInvite = await owner.post(`/orgs/${orgId}/members`, { email: 'olga@example.com', role: 'owner' });
    const { client: member } = await signUp(app.url, 'member-only@example.com');
    expect((await member.post(`/invitations/${await invite(owner, orgId, 'member-only@example.com')}/accept`)).status).toBe(200);
    const { client: admin } = await signUp(app.url, 'admin-only@example.com');
    expect((await admin.post(`/invitations/${await invite(owner, orgId, 'admin-only@example.com', 'admin')}/accept`)).status).toBe(200);
    const { client: otherAdmin, orgId: orgB } = await signUp(app.url, 'other-admin@example.com', { orgName: 'Other' });
    const { client: invitee } = await signUp(app.url, 'nina@example.com');
    const readKey = (await owner.post(`/orgs/${orgId}/api-keys`, { name: 'ro', scopes: ['monitors:write', 'status-pages:write'] })).body.key as string;
    const keyClient = new TestClient(app.url, { apiKey: readKey });
    const routes = (org: string) =>
      [
        ['invite', 'POST', `/orgs/${org}/members`, { email: 'sneaky@example.com', role: 'member' }],
        ['list', 'GET', `/orgs/${org}/invitations`, undefined],
        ['resend', 'POST', `/orgs/${org}/invitations/${pending.body.id}/resend`, undefined],
        ['revoke', 'DELETE', `/orgs/${org}/invitations/${pending.body.id}`, undefined],
      ] as const;
    for (const [who, client, org, status, code] of [
      ['member', member, orgId, 403, 'FORBIDDEN'],
      ['key without org:admin', keyClient, orgId, 403, 'FORBIDDEN'],
      ['other org admin, in org A', otherAdmin, orgId, 404, 'NOT_FOUND'],
      ['other org admin, through org B', otherAdmin, orgB, 404, 'NOT_FOUND'],
      ['invitee', invitee, orgId, 404, 'NOT_FOUND'],
    ] as const) {
      for (const [what, method, path, body] of routes(org)) {
        if (who === 'other org admin, through org B' && (what === 'invite' || what === 'list')) continue; // their own org: allowed
        const res = await client.req(method, path, body);
        expect([res.status, res.body?.error?.code], `${who} ${what}`).toEqual([status, code]);
      }
    }
    for (const [what, method, path, body] of [
      ['invite an owner', 'POST', `/orgs/${orgId}/members`, { email: 'boss@example.com', role: 'owner' }],
      ['replace an owner invitation', 'POST', `/orgs/${orgId}/members`, { email: 'olga@example.com', role: 'member' }],
      ['resend an owner invitation', 'POST', `/orgs/${orgId}/invitations/${ownerInvite.body.id}/resend`, undefined],
      ['revoke an owner invitation', 'DELETE', `/orgs/${orgId}/invitations/${ownerInvite.body.id}`, undefined],
    ] as const) {
      const res = await admin.req(method, path, body);
      expect([res.status, res.body?.error?.code], what).toEqual([403, 'FORBIDDEN']);
    }
    // Nothing changed: both links still work, nobody sneaked in, nothing was e-mailed or re-issued.
    expect((await invitee.get(`/invitations/${tokenOf(pending.body.link)}`)).body.role).toBe('member');
    expect((await invitee.get(`/invitations/${tokenOf(ownerInvite.body.link)}`)).body.role).toBe('owner');
    const emails = ((await owner.get(`/orgs/${orgId}/invitations`)).body as Array<{ email: string }>).map((i) => i.email);
    expect(emails).not.toContain('sneaky@example.com');
    expect(emails).not.toContain('boss@example.com');
    expect(await orgsOf(invitee)).not.toContain(`${orgId}:member`);
  });

  it('inviting a member again is 409 ALREADY_MEMBER; an org:admin key invites (as nobody), bad input is 400', async () => {
    const again = await owner.post(`/orgs/${orgId}/members`, { email: 'ADA@example.com', role: 'member' });
    expect([again.status, again.body.error.code]).toEqual([409, 'ALREADY_MEMBER']);
    const { key } = (await owner.post(`/orgs/${orgId}/api-keys`, { name: 'admin', scopes: ['org:admin'] })).body;
    const byKey = await new TestClient(app.url, { apiKey: key }).post(`/orgs/${orgId}/members`, { email: 'by-key@example.com', role: 'admin' });
    expect(byKey.status).toBe(201);
    expect(byKey.body.invitedBy).toBeNull();
    expect((await new TestClient(app.url).get(`/invitations/${tokenOf(byKey.body.link)}`)).body.inviter).toBeNull();
    for (const [name, body, path] of [
      ['no email', { role: 'member' }, 'email'],
      ['bad email', { email: 'nope', role: 'member' }, 'email'],
      ['unknown role', { email: 'x@example.com', role: 'root' }, 'role'],
      ['extra field', { email: 'x@example.com', role: 'member', userId: 'x' }, ''],
    ] as const) {
      const res = await owner.post(`/orgs/${orgId}/members`, body);
      expect([res.status, res.body.error.code], name).toEqual([400, 'VALIDATION_FAILED']);
      expect(res.body.error.details.map((d: { path: string }) => d.path), name).toContain(path);
    }
    expect((await owner.post(`/orgs/${orgId}/invitations/not-a-uuid/resend`)).status).toBe(404);
  });
});

describe('PINGPAGE_SIGNUP=invite', () => {
  let closed: TestApp;
  let admin: TestClient;
  let org: string;
  beforeAll(async () => {
    closed = await startTestApp({ TRUST_PROXY: 'true' });
    ({ client: admin, orgId: org } = await signUp(closed.url, 'root@example.com', { orgName: 'Closed' }));
  });
  afterAll(() => closed?.stop());

  it('the link is the way in; the invited address without it gets 403 SIGNUP_CLOSED and no account', async () => {
    const token = await invite(admin, org, 'pat@example.com');
    const without = await new TestClient(closed.url).post('/auth/signup', { email: 'pat@example.com', password: PASSWORD, name: 'Pat' });
    expect([without.status, without.body.error.code]).toEqual([403, 'SIGNUP_CLOSED']);
    expect((await sqlOf(closed)("SELECT count(*)::int AS n FROM users WHERE email = 'pat@example.com'"))[0].n).toBe(0);
    const { client: pat } = await signUp(closed.url, 'pat@example.com', { invitationToken: token });
    expect(await orgsOf(pat)).toEqual([`${org}:member`]); // no organization of its own under invite signup
  });

  it('guessing links: 30 unknown ones from an address, then 429 RATE_LIMITED for it (not for others)', async () => {
    const token = await invite(admin, org, 'quinn@example.com');
    const from = (ip: string) => ({ 'x-forwarded-for': ip });
    const guesser = new TestClient(closed.url);
    const codes: number[] = [];
    for (let i = 0; i < 31; i++) codes.push((await guesser.req('GET', `/invitations/pp_inv_${String(i).padStart(43, 'x')}`, undefined, from('203.0.113.7'))).status);
    expect(codes.slice(0, 30).every((c) => c === 404)).toBe(true);
    expect(codes[30]).toBe(429);
    const blocked = await guesser.req('GET', `/invitations/${token}`, undefined, from('203.0.113.7'));
    expect([blocked.status, blocked.body.error.code]).toEqual([429, 'RATE_LIMITED']);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await guesser.req('GET', `/invitations/${token}`, undefined, from('203.0.113.8'))).status).toBe(200);
  });
});

describe('with SMTP_URL and MAIL_FROM', () => {
  let smtp: SmtpReceiver;
  let mailed: TestApp;
  let admin: TestClient;
  let org: string;
  const refuse = new Set<string>();
  beforeAll(async () => {
    smtp = await smtpReceiver({
      disabledCommands: ['STARTTLS'],
      onRcptTo(address, _session, callback) {
        callback(refuse.has(address.address) ? Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 }) : undefined);
      },
    });
    mailed = await startTestApp({ PINGPAGE_SIGNUP: 'open', SMTP_URL: `smtp://127.0.0.1:${smtp.port}?security=none`, MAIL_FROM: 'pingpage@example.com' });
    ({ client: admin, orgId: org } = await signUp(mailed.url, 'root@example.com', { name: 'Rita Root', orgName: 'Mailed' }));
  });
  afterAll(async () => {
    await mailed?.stop();
    await smtp?.close();
  });
  const mailsTo = (address: string) => smtp.messages.filter((m) => m.to.includes(address));
  const linkIn = (text: string) => new RegExp(`${mailed.config.PUBLIC_URL}/invite/(pp_inv_[A-Za-z0-9_-]{43})`).exec(text)?.[1];

  it('e-mails the link to the invited address only; the answer carries no link; resend mails a new one', async () => {
    const res = await admin.post(`/orgs/${org}/members`, { email: 'sam@example.com', role: 'admin' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ pending: true, emailed: true });
    expect(res.body).not.toHaveProperty('link');
    expect(JSON.stringify(res.body)).not.toContain('pp_inv_');
    const [mail] = mailsTo('sam@example.com');
    expect(smtp.messages.every((m) => m.to.length === 1)).toBe(true);
    expect(mail!.subject).toBe('Rita Root invited you to Mailed on PingPage');
    expect(mail!.text).toContain('as an admin');
    const token = linkIn(mail!.text)!;
    expect(token).toBeDefined();
    expect(mail!.html).toContain(`/invite/${token}`);
    expect((await new TestClient(mailed.url).get(`/invitations/${token}`)).body).toMatchObject({ inviter: 'Rita Root', role: 'admin', email: 'sam@example.com' });

    const resent = await admin.post(`/orgs/${org}/invitations/${res.body.id}/resend`);
    expect(resent.status).toBe(200);
    expect(resent.body).not.toHaveProperty('link');
    expect(mailsTo('sam@example.com')).toHaveLength(2);
    const second = linkIn(mailsTo('sam@example.com')[1]!.text)!;
    expect(second).not.toBe(token);
    expect((await new TestClient(mailed.url).get(`/invitations/${token}`)).status).toBe(404);
    const { client: sam } = await signUp(mailed.url, 'sam@example.com');
    expect((await sam.post(`/invitations/${second}/accept`)).body.org).toEqual({ id: org, name: 'Mailed', role: 'admin' });
  });

  it('a refused e-mail changes nothing: 502 INVITATION_EMAIL_FAILED, no invitation, and a failed resend keeps the old link', async () => {
    refuse.add('bounce@example.com');
    const res = await admin.post(`/orgs/${org}/members`, { email: 'bounce@example.com', role: 'member' });
    expect([res.status, res.body.error.code]).toEqual([502, 'INVITATION_EMAIL_FAILED']);
    expect((await admin.get(`/orgs/${org}/invitations`)).body.some((i: { email: string }) => i.email === 'bounce@example.com')).toBe(false);
    expect((await sqlOf(mailed)("SELECT count(*)::int AS n FROM audit_log WHERE action = 'member.invited' AND details->>'email' = 'bounce@example.com'"))[0].n).toBe(0);

    const ok = await admin.post(`/orgs/${org}/members`, { email: 'tess@example.com', role: 'member' });
    const token = linkIn(mailsTo('tess@example.com')[0]!.text)!;
    refuse.add('tess@example.com');
    const resend = await admin.post(`/orgs/${org}/invitations/${ok.body.id}/resend`);
    expect([resend.status, resend.body.error.code]).toEqual([502, 'INVITATION_EMAIL_FAILED']);
    expect((await new TestClient(mailed.url).get(`/invitations/${token}`)).status).toBe(200);
  });
});
