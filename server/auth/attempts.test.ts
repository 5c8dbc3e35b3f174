/** The attempt counters on a real PostgreSQL: atomic under concurrency, shared, windowed, bounded. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Orm } from '../db/orm.js';
import { openDatabase } from '../database.js';
import { AppError } from '../errors.js';
import { createTestDatabase, type TestDatabase } from '../testing/db.js';
import { addressKey, attemptKey, PasswordAttempts, type CountLimit, type DelayLimit } from './attempts.js';

let db: TestDatabase;
let orm: Orm;
const em = () => orm.em.fork();
const sql = <T = any>(text: string, params: unknown[] = []) => em().getConnection().execute<T[]>(text, params);
const attemptsOf = async (limit: { name: string }, value: string) =>
  ((await sql('SELECT attempts FROM login_attempts WHERE key = ?', [attemptKey(limit, value)]))[0]?.attempts as number | undefined) ?? 0;

beforeAll(async () => {
  db = await createTestDatabase();
  orm = await openDatabase(db.url, { poolMax: 12 });
});
afterAll(async () => {
  await orm?.close();
  await db?.drop();
});

const three: CountLimit = { name: 'test:three', max: 3, windowS: 900 };
const wide: CountLimit = { name: 'test:wide', max: 100, windowS: 900 };
const slow: DelayLimit = { name: 'test:slow', free: 2, baseS: 10, maxDelayS: 60, memoryS: 3600 };

async function refusal(p: Promise<unknown>): Promise<{ code: string; wait: number }> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return { code: (err as AppError).code, wait: Number((err as AppError).headers?.['Retry-After']) };
}

describe('PasswordAttempts', () => {
  it('takes exactly max attempts out of 40 concurrent ones, across two "processes"', async () => {
    const a = new PasswordAttempts(em);
    const b = new PasswordAttempts(em);
    const results = await Promise.allSettled(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).take([[three, 'race']])));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    expect(await attemptsOf(three, 'race')).toBe(3);
  });

  it('a refusal gives back what it took on the keys before, and says how long to wait', async () => {
    const p = new PasswordAttempts(em);
    for (let i = 0; i < 3; i++) await p.take([[wide, 'ip-1'], [three, 'acct|ip-1']]);
    const r = await refusal(p.take([[wide, 'ip-1'], [three, 'acct|ip-1']]));
    expect(r.code).toBe('RATE_LIMITED');
    expect(r.wait).toBeGreaterThan(890);
    expect(r.wait).toBeLessThanOrEqual(900);
    expect(await attemptsOf(wide, 'ip-1')).toBe(3);
  });

  it('release() gives every attempt back; succeeded() clears the last counted key and gives back the rest', async () => {
    const p = new PasswordAttempts(em);
    const first = await p.take([[wide, 'ip-2'], [three, 'acct|ip-2']], [slow, 'acct-2']);
    await first.release();
    expect([await attemptsOf(wide, 'ip-2'), await attemptsOf(three, 'acct|ip-2'), await attemptsOf(slow, 'acct-2')]).toEqual([0, 0, 0]);
    await p.take([[wide, 'ip-2'], [three, 'acct|ip-2']], [slow, 'acct-2']); // a failure: kept
    const ok = await p.take([[wide, 'ip-2'], [three, 'acct|ip-2']], [slow, 'acct-2']);
    await ok.succeeded();
    expect([await attemptsOf(wide, 'ip-2'), await attemptsOf(three, 'acct|ip-2'), await attemptsOf(slow, 'acct-2')]).toEqual([1, 0, 1]);
  });

  it('a window that ended starts over', async () => {
    const p = new PasswordAttempts(em);
    for (let i = 0; i < 3; i++) await p.take([[three, 'old']]);
    await sql(`UPDATE login_attempts SET expires_at = now() - interval '1 second' WHERE key = ?`, [attemptKey(three, 'old')]);
    await p.take([[three, 'old']]);
    expect(await attemptsOf(three, 'old')).toBe(1);
  });

  it('the slowed key holds back only addresses that tried before, with a growing wait capped at maxDelayS', async () => {
    const p = new PasswordAttempts(em);
    const from = (ip: string) => p.take([[three, `acct-3|${ip}`]], [slow, 'acct-3']);
    await from('a'); // 1: free
    await from('b'); // 2: free
    await from('a'); // 3: the first past `free`, passes and sets the wait
    const waits: number[] = [];
    for (const ip of ['c', 'd', 'e', 'f']) {
      waits.push((await refusal(from('a'))).wait);
      await from(ip); // a new address is never held back
    }
    waits.push((await refusal(from('a'))).wait);
    // Seconds left of 10, 20, 40, then the 60 s cap (a second or two may pass between the calls).
    [10, 20, 40, 60, 60].forEach((w, i) => {
      expect(waits[i]).toBeLessThanOrEqual(w);
      expect(waits[i]).toBeGreaterThanOrEqual(w - 2);
    });
  });

  it('prune() deletes expired rows, then the least telling ones past maxRows', async () => {
    const p = new PasswordAttempts(em, { maxRows: 50, pruneEvery: 1_000_000 });
    await sql('DELETE FROM login_attempts');
    for (let i = 0; i < 80; i++) await p.take([[three, `flood-${i}`]]);
    await p.take([[three, 'kept']]);
    await p.take([[three, 'kept']]);
    await sql(`UPDATE login_attempts SET expires_at = now() - interval '1 second' WHERE key IN (SELECT key FROM login_attempts WHERE attempts = 1 LIMIT 10)`);
    expect(await p.prune()).toBe(50);
    expect((await sql('SELECT count(*)::int AS n FROM login_attempts'))[0].n).toBe(50);
    expect(await attemptsOf(three, 'kept')).toBe(2);
  });

  it('prunes by itself every pruneEvery takes: a flood of distinct keys stays bounded', async () => {
    const p = new PasswordAttempts(em, { maxRows: 20, pruneEvery: 10 });
    await sql('DELETE FROM login_attempts');
    for (let i = 0; i < 100; i++) await p.take([[wide, `ip-${i}`], [three, `acct|ip-${i}`]]);
    expect((await sql('SELECT count(*)::int AS n FROM login_attempts'))[0].n).toBeLessThanOrEqual(20 + 10 * 2);
  });
});

describe('addressKey', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:db8:1:2::99', '2001:db8:1:2::/64'],
    ['2001:DB8:0001:0002:ffff::1', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1', 'fe80:0:0:0::/64'],
  ])('%s → %s', (ip, key) => {
    expect(addressKey(ip)).toBe(key);
  });
});
