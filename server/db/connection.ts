/**
 * MikroORM 6 sends its queries with the values written into the SQL text (escaped by
 * `platform.formatQuery`), not as bind parameters. PingPage promises that every query is
 * parameterized, so this connection sends the statement and its values apart: PostgreSQL
 * receives `$1, $2…` and the values separately and never parses a value as SQL. Everything else
 * (transactions, result shapes, logging) is MikroORM's own.
 */
import type { Transaction } from '@mikro-orm/core';
import type { Knex } from '@mikro-orm/knex';
import { PostgreSqlConnection, PostgreSqlPlatform, type Configuration } from '@mikro-orm/postgresql';
import { AbstractSqlDriver } from '@mikro-orm/knex';

type Result = Awaited<ReturnType<PostgreSqlConnection['execute']>>;

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
    // knex reads `undefined` as a missing binding; SQL has NULL for that.
    const values = params.map((p) => (p === undefined ? null : p)) as Knex.RawBinding[];
    return this.executeQuery(
      sql,
      async () => {
        // Without values the text is sent as it is (as MikroORM does): a `?` in a comment is no placeholder.
        const query = values.length ? this.getKnex().raw(sql, values) : this.getKnex().raw(sql);
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
