import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Hand-written SQL through MikroORM's connection, inside the caller's transaction when there is
 * one. Values are always bound (`?` placeholders), never spliced into the text.
 */
export async function rows<T>(em: EntityManager, sql: string, params: unknown[] = []): Promise<T[]> {
  return em.getConnection().execute<T[]>(sql, params, 'all', em.getTransactionContext());
}

export async function row<T>(em: EntityManager, sql: string, params: unknown[] = []): Promise<T | undefined> {
  return (await rows<T>(em, sql, params))[0];
}

/** Runs a statement and answers the number of rows it touched. */
export async function run(em: EntityManager, sql: string, params: unknown[] = []): Promise<number> {
  const res = await em.getConnection().execute<{ affectedRows: number }>(sql, params, 'run', em.getTransactionContext());
  return res.affectedRows;
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
