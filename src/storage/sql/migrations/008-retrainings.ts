import type { Migration } from './migration.js';

/**
 * Retrainings (issue 6): one row per retraining job or skipped trigger, with its trigger, its
 * steps (JSON, rewritten as each ends) and the challenger version it registered.
 */
export const retrainingsMigration: Migration = {
  name: '008-retrainings',
  async up(db) {
    await db.schema.createTable('retrainings')
      .addColumn('id', 'varchar(128)', (c) => c.primaryKey())
      .addColumn('pipeline', 'varchar(256)', (c) => c.notNull())
      .addColumn('model', 'varchar(256)', (c) => c.notNull())
      .addColumn('status', 'varchar(16)', (c) => c.notNull())
      .addColumn('trigger_kind', 'varchar(16)', (c) => c.notNull())
      // JSON text: read and written whole, never queried inside.
      .addColumn('trigger_detail', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('steps', 'text', (c) => c.notNull())
      .addColumn('data_versions', 'text', (c) => c.notNull())
      .addColumn('version', 'bigint')
      .addColumn('owner', 'varchar(256)')
      .addColumn('attempts', 'bigint', (c) => c.notNull())
      .addColumn('pipeline_ms', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('started_at', 'bigint')
      .addColumn('finished_at', 'bigint')
      .execute();
    await db.schema.createIndex('retrainings_pipeline').on('retrainings').columns(['pipeline', 'created_at']).execute();
    await db.schema.createIndex('retrainings_model').on('retrainings').columns(['model', 'created_at']).execute();
  },
};
