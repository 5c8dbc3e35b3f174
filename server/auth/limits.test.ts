/**
 * Hole 3, against a whole server on the test database: password guesses are counted before bcrypt
 * runs, a stranger can slow an account but never lock its owner out, and bcrypt runs through a
 * bounded queue. Each request names its address in X-Forwarded-For (TRUST_PROXY=1, as behind
 * Traefik), so one test machine plays many addresses.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../testing/app.js';
import { signUp, TestClient, type Answer } from '../testing/client.js';
import { attemptKey, LIMITS } from './attempts.js';
import { passwordWork } from './passwords.js';

let app: TestApp;
const PASSWORD = 'correct horse battery';
let seq = 0;
/** An address no earlier request used. */
const freshIp = () => `10.${(++seq >> 16) & 255}.${(seq >> 8) & 255}.${seq & 255}`;

beforeAll(async () => {
  app = await startTestApp({ PINGPAGE_SIGNUP: 'open', TRUST_PROXY: '1' });
});
afterAll(() => app?.stop());

const sql = <T = any>(text: string, params: unknown[] = []) => app.orm.em.fork().getConnection().execute<T[]>(text, params);
const visitor = () => new TestClient(app.url);
const login = (email: string, password: string, ip: string, client = visitor()) => client.post('/auth/login', { email, password }, { 'x-forwarded-for': ip });
const tally = (answers: Answer[]) => answers.reduce<Record<number, number>>((t, a) => ({ ...t, [a.status]: (t[a.status] ?? 0) + 1 }), {});
const failedLogins = async (email: string) =>
  (await sql(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'auth.login_failed' AND details->>'email' = ?`, [email]))[0].n as number;

describe('count first, judge after', () => {
  it('60 parallel wrong logins from one address: only the per-account+address limit (10) are judged, the rest get 429 and change nothing', async () => {
    const email = 'parallel@example.com';
    await signUp(app.url, email);
    const ip = freshIp();
    const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => login(email, `guess-${i}`, ip)));
    expect(tally(answers)).toEqual({ 401: LIMITS.login.accountAddress.max, 429: 60 - LIMITS.login.accountAddress.max });
    for (const a of answers.filter((x) => x.status === 429)) {
      expect(a.body.error.code).toBe('RATE_LIMITED');
      expect(Number(a.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(a.headers.get('set-cookie')).toBeNull();
    }
    // Only the judged ones left a trace; the right password from that address waits too.
    expect(await failedLogins(email)).toBe(LIMITS.login.accountAddress.max);
    expect((await login(email, PASSWORD, ip)).status).toBe(429);
  }, 120_000);

  it('rotating through one IPv6 /64 is one address', async () => {
    const email = 'v6@example.com';
    await signUp(app.url, email);
    const codes: number[] = [];
    for (let i = 1; i <= 12; i++) codes.push((await login(email, `guess-${i}`, `2001:db8:aa:bb::${i.toString(16)}`)).status);
    expect(codes).toEqual([...Array(10).fill(401), 429, 429]);
    expect((await login(email, PASSWORD, '2001:db8:aa:cc::1')).status).toBe(200); // the next /64 is someone else
  });

  it('a correct password clears its address: 9 typos, the right password, a typo, the right password again', async () => {
    const email = 'typo@example.com';
    await signUp(app.url, email);
    const ip = freshIp();
    for (let i = 0; i < 9; i++) expect((await login(email, `typo-${i}`, ip)).status).toBe(401);
    expect((await login(email, PASSWORD, ip)).status).toBe(200);
    expect((await login(email, 'one more typo', ip)).status).toBe(401);
    expect((await login(email, PASSWORD, ip)).status).toBe(200); // the 11th try from here: only the cleared count lets it in
  });
});

describe('a stranger cannot lock the owner out', () => {
  it('after 51 failures from 51 addresses (past any account lock) the owner still signs in from an address with no failures', async () => {
    const email = 'owner@example.com';
    await signUp(app.url, email);
    const attacker = freshIp();
    for (let i = 0; i < 11; i++) await login(email, `guess-${i}`, attacker);
    expect((await login(email, PASSWORD, attacker)).status).toBe(429); // the attacker's own address is locked
    // A distributed guess: every address new, so each is judged once.
    for (const n of [10, 10, 10, 10, 10, 1]) {
      const answers = await Promise.all(Array.from({ length: n }, (_, i) => login(email, `spray-${n}-${i}`, freshIp())));
      expect(tally(answers)).toEqual({ 401: n });
    }
    expect(await failedLogins(email)).toBe(61);
    const owner = await login(email, PASSWORD, freshIp());
    expect(owner.status).toBe(200);
    expect(owner.body.user.email).toBe(email);
  }, 180_000);

  it('the account slows with a Retry-After that grows with its failures, and never locks', async () => {
    const email = 'slow@example.com';
    await signUp(app.url, email);
    const dirty = freshIp();
    expect((await login(email, 'first miss', dirty)).status).toBe(401);
    for (let i = 0; i < LIMITS.login.account.free - 1; i++) expect((await login(email, `miss-${i}`, freshIp())).status).toBe(401);
    expect((await login(email, 'eleventh', dirty)).status).toBe(401); // the last free one: from now on an address with failures waits
    const waits: number[] = [];
    for (let i = 0; i < 5; i++) {
      const held = await login(email, PASSWORD, dirty); // even the right password waits: it is not judged
      expect(held.status).toBe(429);
      expect(held.body.error.code).toBe('RATE_LIMITED');
      waits.push(Number(held.headers.get('retry-after')));
      expect((await login(email, `more-${i}`, freshIp())).status).toBe(401); // a new address is never held back
    }
    for (let i = 1; i < waits.length; i++) expect(waits[i]).toBeGreaterThan(waits[i - 1]!);
    expect(waits[0]).toBeLessThanOrEqual(LIMITS.login.account.baseS);
    expect(waits.at(-1)).toBeGreaterThanOrEqual(8 * LIMITS.login.account.baseS); // 2, 4, 8, 16, 32 s less the time taken
    expect((await login(email, PASSWORD, freshIp())).status).toBe(200);
  });

  it('one address trying many accounts is stopped at 100 attempts', async () => {
    const ip = freshIp();
    // 95 attempts already counted (sparing the test 95 bcrypt runs); 10 more in parallel: 5 are judged.
    await sql(`INSERT INTO login_attempts (key, attempts, expires_at) VALUES (?, 95, now() + interval '15 minutes')`, [attemptKey(LIMITS.login.address, ip)]);
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => login(`nobody-${i}@example.com`, 'Winter2026!', ip)));
    expect(tally(answers)).toEqual({ 401: 5, 429: 5 });
  });
});

describe('password change', () => {
  it('counts wrong current passwords before bcrypt too: 20 in parallel, 10 judged', async () => {
    const { client } = await signUp(app.url, 'changer@example.com');
    const ip = freshIp();
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => client.post('/auth/password', { currentPassword: `nope-${i}`, newPassword: 'a new password 1' }, { 'x-forwarded-for': ip })),
    );
    expect(tally(answers)).toEqual({ 400: LIMITS.passwordChange.max, 429: 20 - LIMITS.passwordChange.max });
    expect(answers.filter((a) => a.status === 400).every((a) => a.body.error.code === 'INVALID_CURRENT_PASSWORD')).toBe(true);
    expect((await client.post('/auth/password', { currentPassword: PASSWORD, newPassword: 'a new password 1' }, { 'x-forwarded-for': freshIp() })).status).toBe(204);
  });
});

describe('the bcrypt queue', () => {
  const size = passwordWork.size;
  let open: () => void = () => {};
  afterEach(() => {
    open();
    passwordWork.resize(size);
  });

  /** Fills the queue (1 slot, 1 waiting) with jobs that end when the test says. */
  function fill(): Promise<unknown> {
    passwordWork.resize({ slots: 1, waiting: 1 });
    const gate = new Promise<void>((resolve) => (open = resolve));
    return Promise.all([passwordWork.run(() => gate), passwordWork.run(() => gate)]);
  }

  it('answers 429 BUSY with Retry-After beyond its bound, before anything is counted or hashed', async () => {
    const email = 'busy@example.com';
    const { client } = await signUp(app.url, email);
    const ip = freshIp();
    const held = fill();
    const started = passwordWork.stats.started;
    const rows = (await sql('SELECT count(*)::int AS n FROM login_attempts'))[0].n;
    const refused = await Promise.all([
      login(email, PASSWORD, ip),
      login(email, 'a wrong one', ip),
      login('nobody-busy@example.com', 'x', ip),
      visitor().post('/auth/signup', { email: 'late@example.com', password: PASSWORD, name: 'Late' }),
      client.post('/auth/password', { currentPassword: PASSWORD, newPassword: 'another password' }, { 'x-forwarded-for': ip }),
    ]);
    for (const r of refused) {
      expect(r.status).toBe(429);
      expect(r.body.error.code).toBe('BUSY');
      expect(r.headers.get('retry-after')).toBe('1');
    }
    expect(passwordWork.stats.started).toBe(started);
    expect((await sql('SELECT count(*)::int AS n FROM login_attempts'))[0].n).toBe(rows);
    expect(await failedLogins(email)).toBe(0);
    open();
    await held;
    passwordWork.resize(size);
    // Nothing was spent: the same address still has all its attempts.
    const after = await Promise.all(Array.from({ length: 12 }, (_, i) => login(email, `guess-${i}`, ip)));
    expect(tally(after)).toEqual({ 401: 10, 429: 2 });
  });

  it('lets waiting logins through in order once a slot frees', async () => {
    const email = 'queued@example.com';
    await signUp(app.url, email);
    passwordWork.resize({ slots: 1, waiting: 3 });
    const gate = new Promise<void>((resolve) => (open = resolve));
    const blocker = passwordWork.run(() => gate);
    const waiting = Promise.all([login(email, PASSWORD, freshIp()), login(email, 'wrong', freshIp())]);
    open();
    await blocker;
    expect((await waiting).map((a) => a.status)).toEqual([200, 401]);
  });
});

describe('bad input', () => {
  it.each([
    ['no body', undefined, 400, 'VALIDATION_FAILED'],
    ['email not a string', { email: 42, password: 'x' }, 400, 'VALIDATION_FAILED'],
    ['password over 1024 characters', { email: 'a@example.com', password: 'x'.repeat(1025) }, 400, 'VALIDATION_FAILED'],
    ['an extra field', { email: 'a@example.com', password: 'x', admin: true }, 400, 'VALIDATION_FAILED'],
  ])('login with %s: refused, nothing counted', async (_name, body, status, code) => {
    const before = (await sql('SELECT count(*)::int AS n FROM login_attempts'))[0].n;
    const res = await visitor().post('/auth/login', body, { 'x-forwarded-for': freshIp() });
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect((await sql('SELECT count(*)::int AS n FROM login_attempts'))[0].n).toBe(before);
  });
});
