import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../testing/app.js';
import { ACCOUNT, PASSWORD as PASSWORD_WORDS } from '../../contracts/messages.js';
import { signUp, TestClient } from '../testing/client.js';

let app: TestApp;
const PASSWORD = 'correct horse battery';

beforeAll(async () => {
  app = await startTestApp({ PINGPAGE_SIGNUP: 'open' });
});
afterAll(() => app?.stop());

const sql = <T = any>(text: string, params: unknown[] = []) => app.orm.em.fork().getConnection().execute<T[]>(text, params);

describe('passwords', () => {
  it('are stored as bcrypt cost 12 and never logged', async () => {
    const secret = 'Tr0ub4dor&3-unique-marker';
    const { client, user } = await signUp(app.url, 'hash@example.com', { password: secret });
    const [row] = await sql<{ password_hash: string }>('SELECT password_hash FROM users WHERE id = ?', [user.id]);
    expect(row!.password_hash).toMatch(/^\$2b\$12\$/);
    await new TestClient(app.url).post('/auth/login', { email: 'hash@example.com', password: secret + 'x' });
    await new TestClient(app.url).post('/auth/login', { email: 'hash@example.com', password: secret });
    expect((await client.post('/auth/password', { currentPassword: secret, newPassword: secret + '-new' })).status).toBe(204);
    // Refused passwords are not logged either (validation errors carry the field, never its value).
    const tooLong = secret.repeat(3); // 75 bytes
    const refused = await new TestClient(app.url).post('/auth/signup', { email: 'hash2@example.com', password: tooLong, name: 'H' });
    expect(refused.body.error.code).toBe('VALIDATION_FAILED');
    expect(JSON.stringify(refused.body)).not.toContain(secret);
    await new TestClient(app.url).post('/auth/login', { email: 'hash@example.com', password: tooLong });
    expect(app.logs()).toContain('/api/v1/auth/login'); // the log is captured…
    expect(app.logs()).not.toContain(secret); // …and holds no password
  });
});

describe('accounts', () => {
  it('one account per email, whatever its case: 409 EMAIL_TAKEN, and the database refuses it too', async () => {
    await signUp(app.url, 'Case@Example.com');
    const res = await new TestClient(app.url).post('/auth/signup', { email: 'cASE@example.COM', password: PASSWORD, name: 'Twin' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('EMAIL_TAKEN');
    const [n] = await sql("SELECT count(*)::int AS n FROM users WHERE lower(email) = 'case@example.com'");
    expect(n.n).toBe(1);
    // The unique index, not only the check before the insert, holds the line (two racing signups).
    await expect(sql("INSERT INTO users (id, email, name, password_hash) VALUES (gen_random_uuid(), 'CASE@EXAMPLE.COM', 'Twin', 'x')")).rejects.toThrow(/users_email_key/);
    // Signing in is case-insensitive too.
    expect((await new TestClient(app.url).post('/auth/login', { email: 'CASE@example.com', password: PASSWORD })).status).toBe(200);
  });
});

describe('sessions', () => {
  it('login rotates the session id: the old cookie gets 401', async () => {
    const { client } = await signUp(app.url, 'rotate@example.com');
    const before = client.clone();
    expect((await before.get('/auth/me')).status).toBe(200);
    expect((await client.post('/auth/login', { email: 'rotate@example.com', password: PASSWORD })).status).toBe(200);
    expect(client.cookie).not.toBe(before.cookie);
    expect((await client.get('/auth/me')).status).toBe(200);
    expect((await before.get('/auth/me')).status).toBe(401);
  });

  it('sets pp_session HttpOnly, SameSite=Lax, 30 days', async () => {
    const res = await new TestClient(app.url).post('/auth/signup', { email: 'cookie@example.com', password: PASSWORD, name: 'C' });
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('pp_session='))!;
    expect(cookie).toMatch(/httponly/i);
    expect(cookie).toMatch(/samesite=lax/i);
    const expires = new Date(cookie.match(/expires=([^;]+)/i)![1]!).getTime();
    expect(Math.abs(expires - Date.now() - 30 * 86400_000)).toBeLessThan(60_000);
    expect(cookie).not.toMatch(/;\s*secure/i); // plain http here; Secure when PUBLIC_URL is https
  });

  it('logout and revoke take effect at once', async () => {
    const { client } = await signUp(app.url, 'logout@example.com');
    const copy = client.clone();
    expect((await client.post('/auth/logout')).status).toBe(204);
    expect((await copy.get('/auth/me')).status).toBe(401);

    const a = new TestClient(app.url);
    await a.post('/auth/login', { email: 'logout@example.com', password: PASSWORD });
    const b = new TestClient(app.url);
    await b.post('/auth/login', { email: 'logout@example.com', password: PASSWORD });
    const sessions = (await a.get('/auth/sessions')).body as Array<{ id: string; current: boolean }>;
    expect(sessions.filter((s) => s.current)).toHaveLength(1);
    const other = sessions.find((s) => !s.current)!;
    expect((await a.delete(`/auth/sessions/${other.id}`)).status).toBe(204);
    expect((await b.get('/auth/me')).status).toBe(401);
    expect((await a.get('/auth/me')).status).toBe(200);
  });

  it('a password change in session A signs out session B', async () => {
    const { client: a } = await signUp(app.url, 'change@example.com');
    const b = new TestClient(app.url);
    await b.post('/auth/login', { email: 'change@example.com', password: PASSWORD });
    expect((await b.get('/auth/me')).status).toBe(200);
    const wrong = await a.post('/auth/password', { currentPassword: 'nope-nope', newPassword: 'another good one' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.code).toBe('INVALID_CURRENT_PASSWORD');
    expect((await b.get('/auth/me')).status).toBe(200);
    expect((await a.post('/auth/password', { currentPassword: PASSWORD, newPassword: 'another good one' })).status).toBe(204);
    expect((await b.get('/auth/me')).status).toBe(401);
    expect((await a.get('/auth/me')).status).toBe(200);
    expect((await new TestClient(app.url).post('/auth/login', { email: 'change@example.com', password: 'another good one' })).status).toBe(200);
  });

  it('expires after the idle timeout and at the absolute limit', async () => {
    const { client: idle, user } = await signUp(app.url, 'idle@example.com');
    await sql("UPDATE sessions SET last_seen_at = now() - interval '169 hours' WHERE user_id = ?", [user.id]);
    expect((await idle.get('/auth/me')).status).toBe(401);
    const old = new TestClient(app.url);
    await old.post('/auth/login', { email: 'idle@example.com', password: PASSWORD });
    await sql("UPDATE sessions SET expires_at = now() - interval '1 second' WHERE user_id = ?", [user.id]);
    expect((await old.get('/auth/me')).status).toBe(401);
  });

  it('stores only a hash of the session id', async () => {
    const { client } = await signUp(app.url, 'sidhash@example.com');
    const sid = decodeURIComponent(client.cookie.match(/pp_session=([^;]+)/)![1]!);
    const dump = JSON.stringify(await sql('SELECT * FROM sessions'));
    expect(dump).not.toContain(sid);
  });
});

describe('CSRF', () => {
  it('refuses a cross-site POST that carries the session cookie', async () => {
    const { client } = await signUp(app.url, 'csrf@example.com');
    const res = await client.post('/orgs', { name: 'Evil' }, { origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('CSRF_FAILED');
    const byReferer = await client.post('/orgs', { name: 'Evil' }, { origin: '', referer: 'https://evil.example/page' });
    expect(byReferer.status).toBe(403);
    const count = await sql("SELECT count(*)::int AS n FROM orgs WHERE name = 'Evil'");
    expect(count[0].n).toBe(0);
  });

  it('accepts a cookie request with neither Origin nor Referer only with the session token', async () => {
    const { client } = await signUp(app.url, 'token@example.com');
    const bare = new TestClient(app.url, { origin: null });
    bare.cookie = client.cookie;
    expect((await bare.post('/orgs', { name: 'No token' })).status).toBe(403);
    const token = (await client.get('/auth/me')).body.csrfToken;
    expect((await bare.post('/orgs', { name: 'With token' }, { 'x-csrf-token': token })).status).toBe(201);
  });
});

describe('bad input', () => {
  it.each([
    ['malformed email', { email: 'not-an-email', password: PASSWORD, name: 'X' }, 400, 'email', 'invalid_format'],
    ['73-byte password', { email: 'long@example.com', password: 'a'.repeat(73), name: 'X' }, 400, 'password', 'PASSWORD_TOO_LONG'],
    ['72 bytes of multibyte text plus one', { email: 'long2@example.com', password: 'é'.repeat(36) + 'a', name: 'X' }, 400, 'password', 'PASSWORD_TOO_LONG'],
    ['7-byte password', { email: 'short@example.com', password: 'a'.repeat(7), name: 'X' }, 400, 'password', 'PASSWORD_TOO_SHORT'],
    ['unknown field', { email: 'extra@example.com', password: PASSWORD, name: 'X', admin: true }, 400, '', 'unrecognized_keys'],
    ['wrong type', { email: 'type@example.com', password: PASSWORD, name: 42 }, 400, 'name', 'invalid_type'],
    ['missing field', { email: 'missing@example.com', password: PASSWORD }, 400, 'name', 'invalid_type'],
  ])('signup with %s: %i and nothing stored', async (_n, body, status, path, code) => {
    const res = await new TestClient(app.url).post('/auth/signup', body);
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.details).toContainEqual(expect.objectContaining({ path, code }));
    const [n] = await sql('SELECT count(*)::int AS n FROM users WHERE email = ?', [(body as { email: string }).email]);
    expect(n.n).toBe(0);
  });

  it('answers a bad set-up body with plain words on each field, never the validator\'s text', async () => {
    const res = await new TestClient(app.url).post('/auth/signup', { email: 'nope', password: 'short', name: ' ', orgName: '', admin: true });
    expect(res.status).toBe(400);
    const words = Object.fromEntries((res.body.error.details as Array<{ path: string; message: string }>).map((d) => [d.path, d.message]));
    expect(words).toEqual({ '': 'Unknown field: admin.', email: ACCOUNT.email, password: PASSWORD_WORDS.tooShort, name: ACCOUNT.name, orgName: ACCOUNT.orgName });
    const missing = await new TestClient(app.url).post('/auth/signup', {});
    const said = (missing.body.error.details as Array<{ path: string; message: string }>).map((d) => `${d.path}: ${d.message}`);
    expect(said).toEqual([`email: ${ACCOUNT.email}`, 'password: Required.', `name: ${ACCOUNT.name}`]);
    // Every route validates through the same words: an empty organization name, a wrong type.
    const { client } = await signUp(app.url, 'words@example.com');
    const org = await client.post('/orgs', { name: '' });
    expect(org.body.error.details).toEqual([{ path: 'name', code: 'too_small', message: 'Required.' }]);
    for (const body of [res.body, missing.body, org.body]) expect(JSON.stringify(body)).not.toMatch(/Too small|expected string|Invalid (input|email)|>=/);
  });

  it('refuses a 10 MB body with 413', async () => {
    const res = await new TestClient(app.url).post('/auth/login', JSON.stringify({ email: 'x@example.com', password: 'x'.repeat(10 * 1024 * 1024) }));
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('stores and returns SQL-looking strings verbatim', async () => {
    const name = "Robert'); DROP TABLE users;--";
    const { client, orgId } = await signUp(app.url, "o'brien+sql@example.com", { name, orgName: "Acme' OR '1'='1" });
    const me = (await client.get('/auth/me')).body;
    expect(me.user.name).toBe(name);
    expect(me.user.email).toBe("o'brien+sql@example.com");
    expect(me.orgs[0].name).toBe("Acme' OR '1'='1");
    const org = (await client.patch(`/orgs/${orgId}`, { name: '1; SELECT pg_sleep(10)' })).body;
    expect(org.name).toBe('1; SELECT pg_sleep(10)');
    // Stored verbatim, not escaped or stripped: read back from the tables themselves.
    const [u] = await sql('SELECT name, email FROM users WHERE email = ?', ["o'brien+sql@example.com"]);
    expect(u).toEqual({ name, email: "o'brien+sql@example.com" });
    const [o] = await sql('SELECT name FROM orgs WHERE id = ?', [orgId]);
    expect(o.name).toBe('1; SELECT pg_sleep(10)');
    expect((await sql('SELECT count(*)::int AS n FROM users'))[0].n).toBeGreaterThan(0);
  });
});

describe('brute force', () => {
  it('30 wrong passwords lock that account (429 + Retry-After) while another account still signs in', async () => {
    await signUp(app.url, 'victim@example.com');
    await signUp(app.url, 'bystander@example.com');
    const attacker = new TestClient(app.url);
    const codes: number[] = [];
    for (let i = 0; i < 30; i++) codes.push((await attacker.post('/auth/login', { email: 'victim@example.com', password: `guess-${i}` })).status);
    expect(codes.slice(0, 10).every((c) => c === 401)).toBe(true);
    expect(codes.slice(10).every((c) => c === 429)).toBe(true);
    const locked = await attacker.post('/auth/login', { email: 'victim@example.com', password: PASSWORD });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(locked.body.error.code).toBe('RATE_LIMITED');
    // Same address, another account: not locked out.
    expect((await attacker.post('/auth/login', { email: 'bystander@example.com', password: PASSWORD })).status).toBe(200);
  });
});
