import { sql, type Kysely } from 'kysely';
import { translateDbError } from './db-errors.js';
import type { SqlDialectName } from './open-database.js';

/**
 * Runs `fn` in one write transaction on one connection: all of its statements commit, or none.
 * SQLite gets BEGIN IMMEDIATE, which takes the write lock up front (waiting up to busy_timeout):
 * a deferred BEGIN that later upgrades to a writer fails at once with SQLITE_BUSY_SNAPSHOT when
 * another process committed in between, which is what eight concurrent loggers would hit.
 */
export async function writeTransaction<DB, T>(db: Kysely<DB>, dialect: SqlDialectName, fn: (trx: Kysely<DB>) => Promise<T>): Promise<T> {
  try {
    return await db.connection().execute(async (conn) => {
      await sql.raw(dialect === 'sqlite' ? 'begin immediate' : 'begin').execute(conn);
      try {
        const result = await fn(conn);
        await sql.raw('commit').execute(conn);
        return result;
      } catch (err) {
        await sql.raw('rollback').execute(conn).catch(() => undefined);
        throw err;
      }
    });
  } catch (err) {
    throw translateDbError(err);
  }
}
