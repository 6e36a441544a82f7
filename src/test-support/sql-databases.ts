import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { MIGRATIONS } from '../storage/sql/migrations/index.js';
import { runMigrations } from '../storage/sql/migrations/run-migrations.js';
import { openDatabase, type SqlDatabase } from '../storage/sql/open-database.js';

/** The PostgreSQL the SQL adapters' tests use (trust auth on loopback here and in CI). */
export const PG_URL = process.env.PADDOCK_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Opens `uri` (sqlite:… or postgres://…) with every migration applied. */
export async function migrated(uri: string): Promise<SqlDatabase> {
  const database = openDatabase(uri, { root: process.cwd() });
  await runMigrations(database.db, database.dialect, MIGRATIONS);
  return database;
}

/** A fresh Postgres schema; the returned URI puts it first on the search_path. */
export async function freshSchema(): Promise<{ uri: string; drop: () => Promise<void> }> {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const sep = PG_URL.includes('?') ? '&' : '?';
  return {
    uri: `${PG_URL}${sep}options=${encodeURIComponent(`-c search_path=${schema}`)}`,
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`drop schema ${schema} cascade`);
      await c.end();
    },
  };
}
