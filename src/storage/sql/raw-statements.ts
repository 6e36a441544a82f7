import type BetterSqlite3 from 'better-sqlite3';
import { CompiledQuery, type Kysely } from 'kysely';
import type { SqlDialectName } from './open-database.js';

/**
 * Fixed SQL statements run without Kysely's query builder, for the few hot write paths
 * (single-point log-metric). Building and compiling a Kysely query costs tens of microseconds,
 * and Kysely's SQLite driver prepares every statement anew; here the SQL text is written once
 * (`?` placeholders, portable between SQLite and Postgres) and, on SQLite, each statement is
 * prepared once per database handle. Results may be sync (SQLite) or async (Postgres): callers
 * `await` either.
 */
export interface RawStatements {
  /** The first row, or undefined. */
  get<R>(sql: string, params: readonly unknown[]): R | undefined | Promise<R | undefined>;
  /** Runs a statement that returns no rows. */
  run(sql: string, params?: readonly unknown[]): unknown;
}

/**
 * better-sqlite3 prepared statements, cached per SQL text. Only call these while holding
 * Kysely's connection (`db.connection().execute`): Kysely's SQLite driver serializes its users
 * with a mutex on the same handle, and a statement run outside it could land inside another
 * caller's open transaction.
 */
export function sqliteStatements(handle: BetterSqlite3.Database): RawStatements {
  const cache = new Map<string, BetterSqlite3.Statement>();
  const prepared = (sql: string) => {
    let stmt = cache.get(sql);
    if (!stmt) {
      stmt = handle.prepare(sql);
      cache.set(sql, stmt);
    }
    return stmt;
  };
  return {
    get: <R>(sql: string, params: readonly unknown[]) => prepared(sql).get(...params) as R | undefined,
    run: (sql: string, params: readonly unknown[] = []) => prepared(sql).run(...params),
  };
}

/**
 * The same statements over one Kysely connection as precompiled queries (Postgres, or SQLite
 * opened without access to its handle): skips the builder and compiler, one round trip each.
 */
export function kyselyStatements<DB>(conn: Kysely<DB>, dialect: SqlDialectName): RawStatements {
  const text = dialect === 'postgres' ? postgresPlaceholders : (sql: string) => sql;
  return {
    get: async <R>(sql: string, params: readonly unknown[]) => (await conn.executeQuery<R>(CompiledQuery.raw(text(sql), [...params]))).rows[0],
    run: (sql: string, params: readonly unknown[] = []) => conn.executeQuery(CompiledQuery.raw(text(sql), [...params])),
  };
}

const pgText = new Map<string, string>();

/** `?` → `$1, $2, …` (the statements hold no other question marks), memoized per text. */
function postgresPlaceholders(sql: string): string {
  let out = pgText.get(sql);
  if (out === undefined) {
    let i = 0;
    out = sql.replace(/\?/g, () => `$${++i}`);
    pgText.set(sql, out);
  }
  return out;
}
