import type { Clock } from '../../../core/clock.js';
import { deploymentStoreContract } from '../../contracts/deployment-store.contract.js';
import { freshSchema, migrated } from '../../../test-support/sql-databases.js';
import { SqlRegistryStore } from '../registry/sql-registry-store.js';
import { SqlDeploymentStore } from './sql-deployment-store.js';

deploymentStoreContract('SqlDeploymentStore on SQLite', async (clock: Clock) => {
  const database = await migrated('sqlite::memory:');
  return { store: new SqlDeploymentStore(database, { clock }), registry: new SqlRegistryStore(database, { clock }), cleanup: () => database.close() };
});

deploymentStoreContract('SqlDeploymentStore on PostgreSQL', async (clock: Clock) => {
  const schema = await freshSchema();
  const database = await migrated(schema.uri);
  return {
    store: new SqlDeploymentStore(database, { clock }),
    registry: new SqlRegistryStore(database, { clock }),
    cleanup: async () => {
      await database.close();
      await schema.drop();
    },
  };
});
