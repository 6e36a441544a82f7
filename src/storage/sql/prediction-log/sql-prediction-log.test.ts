import { describe, expect, it } from 'vitest';
import { predictionLogContract } from '../../contracts/prediction-log.contract.js';
import { countTurns } from '../../../test-support/event-loop-turns.js';
import { freshSchema, migrated } from '../../../test-support/sql-databases.js';
import { SqlPredictionLog } from './sql-prediction-log.js';

predictionLogContract('SqlPredictionLog on SQLite', async ({ clock, keyColumnOf }) => {
  const database = await migrated('sqlite::memory:');
  return { store: new SqlPredictionLog(database, { clock, keyColumnOf }), cleanup: () => database.close() };
});

predictionLogContract('SqlPredictionLog on PostgreSQL', async ({ clock, keyColumnOf }) => {
  const schema = await freshSchema();
  const database = await migrated(schema.uri);
  return {
    store: new SqlPredictionLog(database, { clock, keyColumnOf }),
    cleanup: async () => {
      await database.close();
      await schema.drop();
    },
  };
});

describe('SqlPredictionLog scan on SQLite', () => {
  it('lets the event loop turn between its batches (a serving process answers requests meanwhile)', async () => {
    const database = await migrated('sqlite::memory:');
    try {
      const store = new SqlPredictionLog(database, { scanBatchRows: 100 });
      const at = 1_700_000_000_000;
      await store.append(Array.from({ length: 550 }, (_, i) => ({
        requestId: `r${i}`, rowIndex: 0, deployment: 'd', model: 'm', version: '1', variant: 'stable',
        inputs: { x: i }, outputs: { y: i }, latencyMs: 1, at: at + i,
      })));
      const loop = countTurns();
      const seen: number[] = [];
      await store.scan({ deployment: 'd', since: at, until: at + 1000 }, (batch) => {
        seen.push(batch.length);
      });
      loop.stop();
      expect(seen).toEqual([100, 100, 100, 100, 100, 50]);
      // One turn before each batch after the first, at least.
      expect(loop.turns).toBeGreaterThanOrEqual(5);
    } finally {
      await database.close();
    }
  });
});
