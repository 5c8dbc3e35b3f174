import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../server/db/embedded.js';
import { migrate } from '../server/db/orm.js';
import { openDatabase } from '../server/database.js';
import { databaseUrl } from '../server/testing/global-setup.js';
import { migrationsList } from './index.js';

/** Tables, columns, constraints and indexes of the public schema, in a stable order. */
async function schemaOf(url: string): Promise<string[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const columns = await c.query(`
      SELECT table_name, column_name, data_type, udt_name, is_nullable, column_default
      FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, column_name`);
    const constraints = await c.query(`
      SELECT conrelid::regclass::text AS tbl, conname, pg_get_constraintdef(oid) AS def
      FROM pg_constraint WHERE connamespace = 'public'::regnamespace
        AND contype <> 'n' -- PostgreSQL 18 lists NOT NULL here too; columns.is_nullable already covers it
      ORDER BY 1, 2`);
    const indexes = await c.query(`SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1, 2`);
    return [
      ...columns.rows.map((r) => `column ${Object.values(r).join(' | ')}`),
      ...constraints.rows.map((r) => `constraint ${r.tbl}.${r.conname} ${r.def}`),
      ...indexes.rows.map((r) => `index ${r.indexdef}`),
    ];
  } finally {
    await c.end();
  }
}

let embedded: EmbeddedPostgres | undefined;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'pp-schema-'));
chmodSync(tmp, 0o755);
const adminUrl = inject('pgAdminUrl');
const scratch = `pp_t_${inject('pgTemplate').replace('pp_tpl_', '')}_${randomBytes(4).toString('hex')}`;

afterAll(async () => {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${scratch} WITH (FORCE)`);
  await admin.end();
  await embedded?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

describe('migrations', () => {
  it(`yield the same schema on a fresh embedded PostgreSQL and on the test server (${inject('pgKind')})`, async () => {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${scratch}`);
    await admin.end();
    const serverUrl = databaseUrl(adminUrl, scratch);
    const onServer = await openDatabase(serverUrl);
    expect(await migrate(onServer)).toEqual([]); // already applied at open: nothing pending
    await onServer.close();

    embedded = await startEmbeddedPostgres({ dir: path.join(tmp, 'postgres') });
    const onEmbedded = await openDatabase(embedded.url);
    await onEmbedded.close();

    const a = await schemaOf(serverUrl);
    const b = await schemaOf(embedded.url);
    expect(a.length).toBeGreaterThan(20);
    expect(b).toEqual(a);
    expect(a.some((l) => l.startsWith('column mikro_orm_migrations'))).toBe(true);

    const c = new pg.Client({ connectionString: embedded.url });
    await c.connect();
    const { rows } = await c.query('SELECT name FROM mikro_orm_migrations ORDER BY id');
    await c.end();
    expect(rows.map((r) => r.name)).toEqual(migrationsList.map((m) => m.name));
  });
});
