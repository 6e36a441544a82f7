import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock, type Clock } from '../../../core/clock.js';
import { registryStoreContract } from '../../contracts/registry-store.contract.js';
import { MIGRATIONS } from '../migrations/index.js';
import { runMigrations } from '../migrations/run-migrations.js';
import { openDatabase, type SqlDatabase } from '../open-database.js';
import { SqlRegistryStore } from './sql-registry-store.js';

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

async function sqliteStore(clock: Clock) {
  const database = await migrated('sqlite::memory:');
  return { store: new SqlRegistryStore(database, { clock }), database, cleanup: () => database.close() };
}

async function postgresStore(clock: Clock) {
  const schema = await freshSchema();
  const database = await migrated(schema.uri);
  return {
    store: new SqlRegistryStore(database, { clock }),
    database,
    cleanup: async () => {
      await database.close();
      await schema.drop();
    },
  };
}

registryStoreContract('SqlRegistryStore on SQLite', sqliteStore);
registryStoreContract('SqlRegistryStore on PostgreSQL', postgresStore);

for (const [engine, make] of [['SQLite', sqliteStore], ['PostgreSQL', postgresStore]] as const) {
  describe(`registry audit log on ${engine}`, () => {
    let h: Awaited<ReturnType<typeof sqliteStore>>;
    beforeAll(async () => {
      h = await make(fixedClock(new Date(Date.UTC(2026, 0, 1))));
      await h.store.createModel({ name: 'm' }, { actor: 'alice' });
    });
    afterAll(() => h.cleanup());

    it('is append-only in the database itself: UPDATE and DELETE are refused', async () => {
      await expect(sql`update registry_audit_log set actor = 'mallory'`.execute(h.database.db)).rejects.toThrow(/append-only/);
      await expect(sql`delete from registry_audit_log`.execute(h.database.db)).rejects.toThrow(/append-only/);
      expect((await h.store.auditLog('m')).map((e) => e.actor)).toEqual(['alice']);
    });

    it('keeps the log of a deleted model and stamps entries with the clock', async () => {
      await h.store.deleteModel('m', { actor: 'bob', reason: 'cleanup' });
      const log = await h.store.auditLog('m');
      expect(log.map((e) => [e.action, e.actor, e.timestamp])).toEqual([
        ['model.created', 'alice', Date.UTC(2026, 0, 1)],
        ['model.deleted', 'bob', Date.UTC(2026, 0, 1)],
      ]);
    });
  });
}
