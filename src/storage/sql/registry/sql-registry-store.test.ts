import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock, type Clock } from '../../../core/clock.js';
import { registryStoreContract } from '../../contracts/registry-store.contract.js';
import { freshSchema, migrated } from '../../../test-support/sql-databases.js';
import { SqlRegistryStore } from './sql-registry-store.js';

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
