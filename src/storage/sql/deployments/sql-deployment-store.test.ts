import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Clock } from '../../../core/clock.js';
import { deploymentStoreContract } from '../../contracts/deployment-store.contract.js';
import { MIGRATIONS } from '../migrations/index.js';
import { runMigrations } from '../migrations/run-migrations.js';
import { openDatabase, type SqlDatabase } from '../open-database.js';
import { SqlDeploymentStore } from './sql-deployment-store.js';

const PG_URL = process.env.PADDOCK_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test';

async function migrated(uri: string): Promise<SqlDatabase> {
  const database = openDatabase(uri, { root: process.cwd() });
  await runMigrations(database.db, database.dialect, MIGRATIONS);
  return database;
}

/** A fresh Postgres schema; the returned URI puts it first on the search_path. */
async function freshSchema(): Promise<{ uri: string; drop: () => Promise<void> }> {
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

deploymentStoreContract('SqlDeploymentStore on SQLite', async (clock: Clock) => {
  const database = await migrated('sqlite::memory:');
  return { store: new SqlDeploymentStore(database, { clock }), cleanup: () => database.close() };
});

deploymentStoreContract('SqlDeploymentStore on PostgreSQL', async (clock: Clock) => {
  const schema = await freshSchema();
  const database = await migrated(schema.uri);
  return {
    store: new SqlDeploymentStore(database, { clock }),
    cleanup: async () => {
      await database.close();
      await schema.drop();
    },
  };
});
