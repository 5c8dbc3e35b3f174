import { MikroORM, type EntitySchema, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { migrationsList } from '../../migrations/index.js';
import { StartupError } from '../errors.js';
import { BoundDriver } from './connection.js';

export type Orm = MikroORM;

export type Entities = EntitySchema<any, any>[];

export function ormOptions(url: string, entities: Entities, poolMax = 20): Options {
  return {
    clientUrl: url,
    driver: BoundDriver,
    entities,
    extensions: [Migrator],
    migrations: { migrationsList, transactional: true, allOrNothing: true, snapshot: false, silent: true },
    pool: { min: 0, max: poolMax, idleTimeoutMillis: 30_000 },
    driverOptions: { connection: { connectionTimeoutMillis: 5_000, application_name: 'pingpage' } },
    allowGlobalContext: false,
    debug: false,
  };
}

function describeTarget(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || 5432}${u.pathname}`;
  } catch {
    return 'the database';
  }
}

export interface OpenOptions {
  migrate?: boolean;
  poolMax?: number;
}

/**
 * Connects (failing with one clear line when the database cannot be reached) and migrates.
 * `entities` come from the domains; server/database.ts `openDatabase` hands them all in.
 */
export async function openOrm(url: string, opts: OpenOptions & { entities: Entities }): Promise<Orm> {
  const orm = await MikroORM.init({ ...ormOptions(url, opts.entities, opts.poolMax), connect: false });
  const check = await orm.connect().then(
    () => orm.checkConnection(),
    (error: Error) => ({ ok: false as const, reason: error.message, error }),
  );
  if (!check.ok) {
    await orm.close(true).catch(() => {});
    const reason = (check.error as NodeJS.ErrnoException | undefined)?.code ?? check.reason;
    throw new StartupError(`DATABASE_URL: cannot connect to ${describeTarget(url)}: ${reason}`);
  }
  if (opts.migrate !== false) await migrate(orm);
  return orm;
}

/** Applies pending migrations, all in one transaction: either every one lands or none. */
export async function migrate(orm: Orm): Promise<string[]> {
  const done = await orm.migrator.up();
  return done.map((m) => m.name);
}
