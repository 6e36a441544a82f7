import type { Kysely } from 'kysely';
import type { SqlDialectName } from '../open-database.js';
import type { Migration } from './migration.js';

/**
 * Deployments (a named endpoint, the model it serves and its traffic policy as JSON) and their
 * append-only event history. The history has no foreign key: it outlives a deleted deployment.
 */
export const deploymentsMigration: Migration = {
  name: '004-deployments',
  async up(db, dialect) {
    await db.schema.createTable('deployments')
      .addColumn('name', 'varchar(128)', (c) => c.primaryKey())
      .addColumn('model', 'varchar(256)', (c) => c.notNull())
      // JSON text on both engines: the policy is read and written whole, never queried inside.
      .addColumn('policy', 'text', (c) => c.notNull())
      .addColumn('analysis', 'text')
      .addColumn('revision', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await createEvents(db, dialect);
  },
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function createEvents(db: Kysely<any>, dialect: SqlDialectName): Promise<void> {
  let t = db.schema.createTable('deployment_events');
  t = dialect === 'sqlite'
    ? t.addColumn('event_id', 'integer', (c) => c.primaryKey().autoIncrement())
    : t.addColumn('event_id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity());
  await t
    .addColumn('deployment', 'varchar(128)', (c) => c.notNull())
    .addColumn('revision', 'bigint', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('kind', 'varchar(32)', (c) => c.notNull())
    .addColumn('actor', 'varchar(256)', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('from_policy', 'text')
    .addColumn('to_policy', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('deployment_events_deployment').on('deployment_events').columns(['deployment', 'event_id']).execute();
}
