/**
 * MikroORM 6 sends its queries with the values written into the SQL text (escaped by
 * `platform.formatQuery`), not as bind parameters. PingPage promises that every query is
 * parameterized, so this connection sends the statement and its values apart: PostgreSQL
 * receives `$1, $2…` and the values separately and never parses a value as SQL. Everything else
 * (transactions, result shapes, logging) is MikroORM's own.
 */
import { JsonProperty, Utils, type Transaction } from '@mikro-orm/core';
import type { Knex } from '@mikro-orm/knex';
import { PostgreSqlConnection, PostgreSqlPlatform, type Configuration } from '@mikro-orm/postgresql';
import { AbstractSqlDriver } from '@mikro-orm/knex';

type Result = Awaited<ReturnType<PostgreSqlConnection['execute']>>;

/**
 * The statement and values as the pg driver should get them, from what MikroORM hands its
 * connection. Its own `formatQuery` inlines three kinds of value differently from a plain bind,
 * so they are treated here the way it treats them: a `raw()` fragment is SQL (spliced in, its own
 * values bound), a JSON property's value is sent as JSON text (an array would otherwise become a
 * PostgreSQL array), and `undefined` is NULL. Placeholders are read as MikroORM and knex read
 * them: `?` a value, `??` an identifier, `\?` a literal question mark.
 */
export function bindable(sql: string, params: readonly unknown[]): { sql: string; values: unknown[] } {
  const values: unknown[] = [];
  let out = '';
  let next = 0;
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i];
    if (ch === '\\' && sql[i + 1] === '?') {
      out += '\\?';
      i++;
    } else if (ch === '?' && sql[i + 1] === '?') {
      out += '??';
      values.push(params[next++]);
      i++;
    } else if (ch === '?') {
      const value = params[next++];
      if (Utils.isRawSql(value)) {
        const inner = bindable(value.sql, value.params ?? []);
        out += inner.sql;
        values.push(...inner.values);
      } else {
        out += '?';
        values.push(asValue(value));
      }
    } else out += ch;
  }
  return { sql: out, values };
}

function asValue(value: unknown): unknown {
  if (value === undefined) return null;
  if (value !== null && typeof value === 'object' && (Utils.isPlainObject(value) || (value as Record<symbol, unknown>)[JsonProperty])) return JSON.stringify(value);
  return value;
}

export class BoundConnection extends PostgreSqlConnection {
  override async execute<T extends Result>(
    queryOrKnex: string | Knex.QueryBuilder | Knex.Raw,
    params: unknown[] = [],
    method: 'all' | 'get' | 'run' = 'all',
    ctx?: Transaction,
    loggerContext?: Parameters<PostgreSqlConnection['execute']>[4],
  ): Promise<T> {
    await this.ensureConnection();
    let sql: string;
    if (typeof queryOrKnex === 'string') sql = queryOrKnex;
    else {
      ctx ??= (queryOrKnex as unknown as { client: { transacting?: boolean } }).client.transacting ? (queryOrKnex as unknown as Transaction) : undefined;
      const q = queryOrKnex.toSQL();
      sql = q.sql;
      params = [...(q.bindings ?? [])];
    }
    sql = this.config.get('onQuery')(sql, params);
    // Without values the text is sent as it is (as MikroORM does): a `?` in a comment is no placeholder.
    const bound = params.length ? bindable(sql, params) : { sql, values: [] };
    return this.executeQuery(
      sql,
      async () => {
        const query = bound.values.length ? this.getKnex().raw(bound.sql, bound.values as Knex.RawBinding[]) : this.getKnex().raw(bound.sql);
        if (ctx) query.transacting(ctx as Knex.Transaction);
        return this.transformRawResult<T>(await query, method);
      },
      { query: sql, params, ...loggerContext },
    );
  }
}

/** MikroORM's PostgreSQL driver (in MikroORM 6 it adds nothing but its constructor) on the connection above. */
export class BoundDriver extends AbstractSqlDriver<BoundConnection, PostgreSqlPlatform> {
  constructor(config: Configuration) {
    super(config, new PostgreSqlPlatform(), BoundConnection, ['knex', 'pg']);
  }
}
