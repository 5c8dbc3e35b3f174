/**
 * The entities (each domain's entities.ts, collected in server/database.ts) and the migrations
 * describe the same schema: MikroORM's schema diff against a migrated database is empty.
 * (`heartbeats` has no primary key on purpose, see results/entities.ts; the ORM's identity for
 * it is not a constraint the diff asks for.)
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Orm } from '../server/db/orm.js';
import { entities, openDatabase } from '../server/database.js';
import { Heartbeat } from '../server/results/entities.js';
import { createTestDatabase, type TestDatabase } from '../server/testing/db.js';

let db: TestDatabase;
let orm: Orm;

beforeAll(async () => {
  db = await createTestDatabase();
  orm = await openDatabase(db.url, { poolMax: 2 });
});
afterAll(async () => {
  await orm?.close();
  await db?.drop();
});

async function tablesOf(url: string): Promise<string[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const res = await c.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'mikro_orm_migrations' ORDER BY 1`,
    );
    return res.rows.map((r) => r.table_name);
  } finally {
    await c.end();
  }
}

const statementsOf = (sql: string) => sql.split('\n').map((l) => l.trim()).filter(Boolean);

describe('entities and migrations', () => {
  it('name the same tables: every table has an entity, every entity a table', async () => {
    const fromEntities = orm.getMetadata().getAll();
    const tables = Object.values(fromEntities).map((m) => m.tableName).sort();
    expect(tables).toEqual(await tablesOf(db.url));
    expect(new Set(entities.map((e) => e.meta.className)).size).toBe(entities.length);
  });

  it('describe the same schema: the ORM finds nothing to change', async () => {
    const sql = await orm.schema.getUpdateSchemaSQL({ wrap: false, safe: false, dropTables: true });
    expect(statementsOf(sql)).toEqual([]);
  });

  it('would see a drift: a column, an index or a constraint the entities do not describe', async () => {
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      await c.query('ALTER TABLE monitors ADD COLUMN stray text');
      await c.query('DROP INDEX sessions_expires_idx');
      await c.query('ALTER TABLE maintenances DROP CONSTRAINT maintenances_check');
      await c.query('ALTER TABLE heartbeats ALTER COLUMN latency_ms TYPE double precision');
      const sql = statementsOf(await orm.schema.getUpdateSchemaSQL({ wrap: false, safe: false, dropTables: true })).join('\n');
      expect(sql).toMatch(/"monitors" drop column "stray"/);
      expect(sql).toMatch(/sessions_expires_idx/);
      expect(sql).toMatch(/maintenances_check/);
      expect(sql).toMatch(/"heartbeats" alter column "latency_ms"/);
    } finally {
      await c.end();
    }
  });
});
