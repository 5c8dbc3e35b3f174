import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Hand-written SQL, inside the caller's transaction when there is one. Values always travel as
 * bind parameters (`?` in the text, `$n` on the wire): PostgreSQL receives them apart from the
 * statement and never parses them as SQL. (MikroORM's `execute` would inline them, escaped, into
 * the text instead; every raw query of the server goes through here.)
 */
export async function query(em: EntityManager, sql: string, params: readonly unknown[] = []): Promise<{ rows: unknown[]; rowCount: number }> {
  const conn = em.getConnection();
  // knex reads `undefined` as a missing binding; SQL has NULL for that.
  const q = conn.getKnex().raw(sql, params.map((p) => (p === undefined ? null : p)) as never[]);
  const trx = em.getTransactionContext();
  if (trx) q.transacting(trx);
  try {
    const res = (await q) as { rows: unknown[]; rowCount: number | null };
    return { rows: res.rows, rowCount: res.rowCount ?? 0 };
  } catch (err) {
    // The same exception types (and codes, constraint names) MikroORM's own queries raise.
    throw conn.getPlatform().getExceptionConverter().convertException(err as Error);
  }
}

export async function rows<T>(em: EntityManager, sql: string, params: readonly unknown[] = []): Promise<T[]> {
  return (await query(em, sql, params)).rows as T[];
}

export async function row<T>(em: EntityManager, sql: string, params: readonly unknown[] = []): Promise<T | undefined> {
  return (await rows<T>(em, sql, params))[0];
}

/** Runs a statement and answers the number of rows it touched. */
export async function run(em: EntityManager, sql: string, params: readonly unknown[] = []): Promise<number> {
  return (await query(em, sql, params)).rowCount;
}

/** Timestamps from raw queries may come back as Date or string: answer ISO 8601 UTC. */
export function iso(value: Date | string | null | undefined): string | null {
  if (value == null) return null;
  return (value instanceof Date ? value : new Date(value)).toISOString();
}

/**
 * A PostgreSQL array literal for a `?::text[]` binding. (The query builder under MikroORM would
 * expand a JS array into a list of values; this keeps it one bound value.)
 */
export function textArray(values: readonly string[]): string {
  return '{' + values.map((v) => '"' + v.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"').join(',') + '}';
}
