import type { Kysely } from 'kysely';
import type { SqlDialectName } from '../open-database.js';

/**
 * One schema change. `up` runs inside the migration transaction (on the same connection),
 * so a failed migration leaves the schema as it was. Names are recorded in
 * `paddock_migrations` and must never change once released.
 */
export interface Migration {
  readonly name: string;
  // Migrations see the database untyped: they create the tables the typed schema describes.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  up(db: Kysely<any>, dialect: SqlDialectName): Promise<void>;
}

/** Column types that differ by engine (the only DDL that is not shared). */
export function columnTypes(dialect: SqlDialectName) {
  return {
    /** SQLite stores any bytes in BLOB; Postgres calls it bytea. */
    bytes: dialect === 'sqlite' ? 'blob' : 'bytea',
    /** int8 in Postgres (parsed back to number by open-database); INTEGER affinity in SQLite. */
    int64: 'bigint',
  } as const;
}
