import { predictionLogContract } from '../../contracts/prediction-log.contract.js';
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
