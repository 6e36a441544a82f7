import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { fail } from '../../core/errors.js';

/** Which SQL engine a URI picked; queries are shared, DDL and a few statements differ. */
export type SqlDialectName = 'sqlite' | 'postgres';

/** An open metadata database: one Kysely instance over either engine. */
export interface SqlDatabase<DB = unknown> {
  readonly db: Kysely<DB>;
  readonly dialect: SqlDialectName;
  /** The better-sqlite3 handle under `db` (SQLite only), for statements prepared once (hot paths). */
  readonly sqliteHandle?: Database.Database;
  /** Closes the pool or the SQLite handle. */
  close(): Promise<void>;
}

/** Options for {@link openDatabase}. */
export interface OpenDatabaseOptions {
  /** The project root: `sqlite:<path>` is resolved against it. */
  readonly root: string;
  /** Milliseconds a writer waits for SQLite's lock before failing (default 30 s). */
  readonly busyTimeoutMs?: number;
}

const INT8_OID = 20;

/**
 * Opens `sqlite:<path>` (relative to the root; `sqlite::memory:` for tests) or
 * `postgres://…`/`postgresql://…` as a Kysely instance. No migrations run here.
 */
export function openDatabase<DB = unknown>(uri: string, options: OpenDatabaseOptions): SqlDatabase<DB> {
  if (uri.startsWith('sqlite:')) return openSqlite<DB>(uri.slice('sqlite:'.length), options);
  if (uri.startsWith('postgres://') || uri.startsWith('postgresql://')) return openPostgres<DB>(uri);
  return fail('CONFIG_INVALID', `metadata.uri '${uri}' is not supported: use sqlite:<path> or postgres://user@host/db`, { key: 'metadata.uri', uri });
}

function openSqlite<DB>(file: string, options: OpenDatabaseOptions): SqlDatabase<DB> {
  if (!file) fail('CONFIG_INVALID', "metadata.uri 'sqlite:' needs a path, e.g. sqlite:.paddock/paddock.db", { key: 'metadata.uri' });
  const memory = file === ':memory:';
  const resolved = memory ? file : path.resolve(options.root, file);
  if (!memory) mkdirSync(path.dirname(resolved), { recursive: true });
  const handle = new Database(resolved);
  // busy_timeout first: switching to WAL needs a lock another opener may hold for a moment.
  handle.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 30_000}`);
  if (!memory) handle.pragma('journal_mode = WAL');
  // NORMAL in WAL mode: a power cut may drop the last commits but never corrupts the file.
  handle.pragma('synchronous = NORMAL');
  handle.pragma('foreign_keys = ON');
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: handle }) });
  return { db, dialect: 'sqlite', sqliteHandle: handle, close: () => db.destroy() };
}

function openPostgres<DB>(uri: string): SqlDatabase<DB> {
  const pool = new pg.Pool({
    connectionString: uri,
    max: 10,
    // Idle pooled connections must not keep the process alive: an SDK script that ends its runs
    // but never closes the client would otherwise linger for pg's idle timeout (10 s) at exit.
    allowExitOnIdle: true,
    // Times and counts are bigint columns; pg returns int8 as strings unless told otherwise.
    // Set per pool, never on pg's global type registry, so other pg users are unaffected.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
    },
  });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', close: () => db.destroy() };
}
