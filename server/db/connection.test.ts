/**
 * Every query the ORM runs reaches PostgreSQL with its values as bind parameters, never written
 * into the SQL text; and values of every column type make the round trip unchanged.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { PostgreSqlDriver, raw } from '@mikro-orm/postgresql';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ApiKey, Org, Session, User } from '../auth/entities.js';
import { openDatabase } from '../database.js';
import { createTestDatabase, type TestDatabase } from '../testing/db.js';
import { bindable } from './connection.js';
import type { Orm } from './orm.js';
import { InstanceSetting } from '../auth/entities.js';

let db: TestDatabase;
let orm: Orm;
const sent: Array<{ text: string; values: unknown[] }> = [];
const realQuery = pg.Client.prototype.query;

beforeAll(async () => {
  db = await createTestDatabase();
  orm = await openDatabase(db.url, { poolMax: 2 });
  // What the pg driver is handed: the statement text and, apart from it, the values.
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const q = args[0] as string | { text?: string; values?: unknown[] };
    const text = typeof q === 'string' ? q : (q.text ?? '');
    const values = (typeof q === 'string' ? args[1] : q.values) as unknown[] | undefined;
    sent.push({ text, values: values ?? [] });
    return (realQuery as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof realQuery;
});
afterEach(() => {
  sent.length = 0;
});
afterAll(async () => {
  pg.Client.prototype.query = realQuery;
  await orm?.close();
  await db?.drop();
});

const HOSTILE = "o'brien'); DROP TABLE users; --";

describe('the ORM connection', () => {
  it('sends values apart from the statement: find, query builder updates and inserts', async () => {
    const em = orm.em.fork();
    const id = randomUUID();
    await em.insert(User, { id, email: `${HOSTILE}@example.com`, name: HOSTILE, passwordHash: 'x' });
    await em.find(User, { name: HOSTILE });
    await em.createQueryBuilder(User).update({ name: `${HOSTILE}!` }).where({ id }).execute();
    const ours = sent.filter((s) => /"users"/.test(s.text));
    expect(ours).toHaveLength(3);
    for (const s of ours) {
      expect(s.text).not.toContain('brien');
      expect(s.text).toMatch(/\$1/);
      expect(s.values.some((v) => typeof v === 'string' && v.includes(HOSTILE))).toBe(true);
    }
    const [row] = await orm.em.fork().find(User, { id });
    expect(row!.name).toBe(`${HOSTILE}!`);
  });

  it('keeps every column type through a round trip: uuid, text, dates, json, arrays, bytes, booleans, null', async () => {
    const em = orm.em.fork();
    const org = randomUUID();
    const user = randomUUID();
    const at = new Date('2026-12-07T20:30:00.123Z');
    await em.insert(Org, { id: org, name: 'Acme', membersCanWrite: false });
    await em.insert(User, { id: user, email: 'a@example.com', name: 'A', passwordHash: 'x' });
    const key = randomUUID();
    const hash = Buffer.from([0, 1, 2, 255, 39, 92]);
    await em.insert(ApiKey, { id: key, org, name: 'ci', prefix: 'pp_live_ab', keyHash: hash, scopes: ['monitors:read', 'monitors:write'], createdBy: user, createdAt: at, lastUsedAt: null });
    const session = randomUUID();
    await em.insert(Session, { id: session, sidHash: Buffer.from('sid'), user, data: { nested: { quote: HOSTILE, list: [1, 2] } }, expiresAt: at });

    const fresh = orm.em.fork();
    const k = await fresh.findOneOrFail(ApiKey, { keyHash: hash, scopes: { $contains: ['monitors:write'] } });
    expect(k.scopes).toEqual(['monitors:read', 'monitors:write']);
    expect(Buffer.from(k.keyHash).equals(hash)).toBe(true);
    expect(k.createdAt.toISOString()).toBe(at.toISOString());
    expect(k.lastUsedAt).toBeNull();
    expect(k.org.id).toBe(org);
    const s = await fresh.findOneOrFail(Session, { id: session });
    expect(s.data).toEqual({ nested: { quote: HOSTILE, list: [1, 2] } });
    expect((await fresh.findOneOrFail(Org, { id: org })).membersCanWrite).toBe(false);
    expect(await fresh.count(ApiKey, { id: { $in: [key, randomUUID()] } })).toBe(1);
  });

  it('splices raw() fragments in as SQL (their values bound), sends JSON values as JSON text, keeps ?? and \\? as they are', () => {
    const fragment = raw('lower(?)', ['X']);
    expect(bindable('select ?? from t where a = ? and b = ? and c \\? d and e = ?', ['col', fragment, ['a', 'b'], { k: [1] }])).toEqual({
      sql: 'select ?? from t where a = lower(?) and b = ? and c \\? d and e = ?',
      values: ['col', 'X', ['a', 'b'], '{"k":[1]}'],
    });
    expect(bindable('insert into t values (?, ?)', [undefined, null])).toEqual({ sql: 'insert into t values (?, ?)', values: [null, null] });
  });

  it('runs upserts whose values are SQL (now()) and JSON arrays through the driver', async () => {
    const em = orm.em.fork();
    const key = `k-${randomUUID()}`;
    // (MikroORM converts insert values by their column type, not merge values: a JSON merge value is an object.)
    for (const value of [{ one: 1 }, { three: [3] }]) {
      await em.createQueryBuilder(InstanceSetting).insert({ key, value: [value] }).onConflict('key').merge({ value, updatedAt: raw('now()') }).execute();
    }
    const row = await orm.em.fork().findOneOrFail(InstanceSetting, { key });
    expect(row.value).toEqual({ three: [3] });
    expect(Date.now() - row.updatedAt.getTime()).toBeLessThan(60_000);
    await em.insert(InstanceSetting, { key: `${key}-a`, value: [1, 'two'] });
    expect((await orm.em.fork().findOneOrFail(InstanceSetting, { key: `${key}-a` })).value).toEqual([1, 'two']);
  });

  it('stands in for a driver that adds nothing of its own (MikroORM 6 PostgreSqlDriver is only a constructor)', () => {
    expect(Object.getOwnPropertyNames(PostgreSqlDriver.prototype)).toEqual(['constructor']);
  });
});
