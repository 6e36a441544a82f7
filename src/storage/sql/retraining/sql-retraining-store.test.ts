import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Retraining } from '../../../automation/index.js';
import { caught } from '../../../test-support/caught.js';
import { freshSchema, migrated } from '../../../test-support/sql-databases.js';
import type { SqlDatabase } from '../open-database.js';
import { SqlRetrainingStore } from './sql-retraining-store.js';

const base: Retraining = {
  id: 'rt-1', pipeline: 'flights', model: 'flights-late', status: 'queued',
  trigger: { kind: 'alert', detail: { rule: 'drift', firedAt: '2026-06-01T00:00:00.000Z', numbers: { share: 0.6 } } },
  reason: '', steps: [], dataVersions: {}, attempts: 0, createdAt: 1_000, pipelineMs: 0,
};

for (const engine of ['sqlite', 'postgres'] as const) {
  describe(`SqlRetrainingStore (${engine})`, () => {
    let database: SqlDatabase;
    let drop = async () => undefined as void;
    let store: SqlRetrainingStore;
    beforeAll(async () => {
      if (engine === 'sqlite') {
        database = await migrated('sqlite::memory:');
      } else {
        const schema = await freshSchema();
        drop = schema.drop;
        database = await migrated(schema.uri);
      }
      store = new SqlRetrainingStore(database);
    });
    afterAll(async () => {
      await database.close();
      await drop();
    });

    it('creates, reads back every field, updates in part, and refuses a second record with the same id', async () => {
      await store.create(base);
      expect(await store.get('rt-1')).toEqual(base);
      const steps = [{ name: 'pipeline' as const, status: 'ok' as const, detail: 'ran train', startedAt: 2_000, durationMs: 1_500 }];
      const updated = await store.update('rt-1', { status: 'succeeded', steps, version: 3, owner: 'host:1', attempts: 2, startedAt: 2_000, finishedAt: 5_000, pipelineMs: 1_500, dataVersions: { 'a.csv': 'f'.repeat(32) } });
      expect(updated).toEqual({ ...base, status: 'succeeded', steps, version: 3, owner: 'host:1', attempts: 2, startedAt: 2_000, finishedAt: 5_000, pipelineMs: 1_500, dataVersions: { 'a.csv': 'f'.repeat(32) } });
      expect((await caught(() => store.create(base))).code).toBe('ALREADY_EXISTS');
      expect((await caught(() => store.get('nope'))).code).toBe('NOT_FOUND');
      expect((await caught(() => store.update('nope', { status: 'failed' }))).code).toBe('NOT_FOUND');
    });

    it('lists newest first, by pipeline, by model and since a time', async () => {
      await store.create({ ...base, id: 'rt-2', createdAt: 2_000 });
      await store.create({ ...base, id: 'rt-3', pipeline: 'other', model: 'other-model', createdAt: 3_000 });
      expect((await store.list({})).map((r) => r.id)).toEqual(['rt-3', 'rt-2', 'rt-1']);
      expect((await store.list({ pipeline: 'flights' })).map((r) => r.id)).toEqual(['rt-2', 'rt-1']);
      expect((await store.list({ model: 'other-model' })).map((r) => r.id)).toEqual(['rt-3']);
      expect((await store.list({ since: 2_000, limit: 1 })).map((r) => r.id)).toEqual(['rt-3']);
    });
  });
}
