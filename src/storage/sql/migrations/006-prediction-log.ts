import type { Migration } from './migration.js';

/**
 * The prediction log (issue 6): one row per answered input row, append-only except for the label
 * joined later. Indexed for the reads it serves: windows of one deployment by prediction time,
 * label joins by request id, and by the key column's value (`label_key`, filled at append time
 * when the deployment declares a key column).
 */
export const predictionLogMigration: Migration = {
  name: '006-prediction-log',
  async up(db, dialect) {
    let t = db.schema.createTable('prediction_log');
    t = dialect === 'sqlite'
      ? t.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      : t.addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity());
    await t
      .addColumn('deployment', 'varchar(128)', (c) => c.notNull())
      .addColumn('request_id', 'varchar(256)', (c) => c.notNull())
      .addColumn('row_index', 'integer', (c) => c.notNull())
      .addColumn('model', 'varchar(256)', (c) => c.notNull())
      .addColumn('version', 'varchar(64)', (c) => c.notNull())
      .addColumn('variant', 'varchar(32)', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('latency_ms', 'double precision', (c) => c.notNull())
      // JSON text on both engines: rows are read whole; the key column has its own indexed copy.
      .addColumn('inputs', 'text', (c) => c.notNull())
      .addColumn('outputs', 'text', (c) => c.notNull())
      .addColumn('label_key', 'varchar(512)')
      .addColumn('label', 'text')
      .addColumn('labeled_at', 'bigint')
      .execute();
    await db.schema.createIndex('prediction_log_deployment_at').on('prediction_log').columns(['deployment', 'at']).execute();
    await db.schema.createIndex('prediction_log_request').on('prediction_log').columns(['deployment', 'request_id']).execute();
    await db.schema.createIndex('prediction_log_label_key').on('prediction_log').columns(['deployment', 'label_key', 'at']).execute();
  },
};
