/**
 * Once per `npm test`: find a PostgreSQL server (DATABASE_URL's, or an embedded one started in a
 * temporary directory), migrate a template database on it, and hand both to the test files,
 * which clone the template into a database of their own (see db.ts).
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { ensureClientBuilt } from '../client-build.js';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../db/embedded.js';
import { openDatabase } from '../database.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of a database on the test server that test files may connect to for CREATE DATABASE. */
    pgAdminUrl: string;
    /** Name of the migrated template database. */
    pgTemplate: string;
    /** 'external' when DATABASE_URL was set, else 'embedded'. */
    pgKind: 'external' | 'embedded';
  }
}

export function databaseUrl(base: string, name: string): string {
  const u = new URL(base);
  u.pathname = '/' + name;
  return u.toString();
}

export default async function setup(project: TestProject) {
  let embedded: EmbeddedPostgres | undefined;
  let tmp: string | undefined;
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'pingpage-test-'));
    chmodSync(tmp, 0o755); // as root, PostgreSQL runs as its own user and must reach the directory
    embedded = await startEmbeddedPostgres({
      dir: path.join(tmp, 'postgres'),
      // Throwaway data: trade durability for speed.
      settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', max_connections: '400' },
    });
    adminUrl = embedded.url;
  }
  // One template per project (vitest.config.ts: unit, e2e), as each runs this setup.
  const template = `pp_tpl_${process.pid}${project.name ? `_${project.name.replace(/\W/g, '_')}` : ''}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${template}`);
  await admin.query(`CREATE DATABASE ${template}`);
  const orm = await openDatabase(databaseUrl(adminUrl, template), { poolMax: 2 });
  await orm.close();

  // Browser tests run two files at once: the dashboard is built here, once, before either starts
  // (two files finding it stale together would build into the same client/dist).
  if (project.name === 'e2e') await ensureClientBuilt(() => {});

  project.provide('pgAdminUrl', adminUrl);
  project.provide('pgTemplate', template);
  project.provide('pgKind', embedded ? 'embedded' : 'external');

  return async () => {
    const { rows } = await admin.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname = $1 OR datname LIKE $2`,
      // The clones of this template (db.ts names them after it).
      [template, `pp_t_${template.replace('pp_tpl_', '')}\\_%`],
    );
    for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
    await admin.end();
    await embedded?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  };
}
