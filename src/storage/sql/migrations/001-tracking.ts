import { sql, type Kysely } from 'kysely';
import type { SqlDialectName } from '../open-database.js';
import { columnTypes, type Migration } from './migration.js';

/** Experiments, runs, params, tags, metrics (chunked series + latest values) and inputs. */
export const trackingMigration: Migration = {
  name: '001-tracking',
  async up(db, dialect) {
    await createExperiments(db, dialect);
    await createRuns(db, dialect);
    await createRunData(db, dialect);
    await createMetrics(db, dialect);
    await createInputs(db);
  },
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

async function createExperiments(db: Db, dialect: SqlDialectName): Promise<void> {
  // Numeric ids as MLflow's; auto-increment syntax is the part of this DDL the engines disagree on.
  // "by default" lets the Default experiment be inserted with id 0 explicitly.
  let t = db.schema.createTable('experiments');
  t = dialect === 'sqlite'
    ? t.addColumn('experiment_id', 'integer', (c) => c.primaryKey().autoIncrement())
    : t.addColumn('experiment_id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity());
  await t
    .addColumn('name', 'varchar(500)', (c) => c.notNull().unique())
    .addColumn('artifact_location', 'text', (c) => c.notNull())
    .addColumn('lifecycle_stage', 'varchar(32)', (c) => c.notNull())
    .addColumn('creation_time', 'bigint', (c) => c.notNull())
    .addColumn('last_update_time', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createTable('experiment_tags')
    .addColumn('experiment_id', 'bigint', (c) => c.notNull().references('experiments.experiment_id').onDelete('cascade'))
    .addColumn('key', 'varchar(250)', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('experiment_tags_pk', ['experiment_id', 'key'])
    .execute();
}

/**
 * SQLite only: store the table in its primary-key b-tree (WITHOUT ROWID). Run ids are 32-char
 * text, so a rowid table pays two b-tree lookups per run probe (key index, then row); search
 * probes runs and latest values tens of thousands of times per query. Postgres has no such
 * option and needs none (its planner hash-joins these).
 */
function clustered(dialect: SqlDialectName) {
  return dialect === 'sqlite' ? sql`without rowid` : sql``;
}

async function createRuns(db: Db, dialect: SqlDialectName): Promise<void> {
  await db.schema.createTable('runs')
    .addColumn('run_uuid', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('experiment_id', 'bigint', (c) => c.notNull().references('experiments.experiment_id').onDelete('cascade'))
    .addColumn('name', 'varchar(250)', (c) => c.notNull())
    .addColumn('user_id', 'varchar(256)', (c) => c.notNull())
    .addColumn('status', 'varchar(20)', (c) => c.notNull())
    .addColumn('start_time', 'bigint', (c) => c.notNull())
    .addColumn('end_time', 'bigint')
    .addColumn('artifact_uri', 'text', (c) => c.notNull())
    .addColumn('lifecycle_stage', 'varchar(32)', (c) => c.notNull())
    .addColumn('deleted_time', 'bigint')
    .addColumn('deleted_with_experiment', 'integer', (c) => c.notNull().defaultTo(0))
    .modifyEnd(clustered(dialect))
    .execute();
  // The default search order (start_time DESC) within an experiment and stage.
  await db.schema.createIndex('runs_experiment_start').on('runs').columns(['experiment_id', 'lifecycle_stage', 'start_time']).execute();
}

async function createRunData(db: Db, dialect: SqlDialectName): Promise<void> {
  for (const table of ['params', 'tags']) {
    await db.schema.createTable(table)
      .addColumn('run_uuid', 'varchar(32)', (c) => c.notNull().references('runs.run_uuid').onDelete('cascade'))
      .addColumn('key', 'varchar(250)', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint(`${table}_pk`, ['run_uuid', 'key'])
      .modifyEnd(clustered(dialect))
      .execute();
    // Search filters (`params.model = 'gbdt'`) select runs by key and value.
    await db.schema.createIndex(`${table}_key_value`).on(table).columns(['key', 'value']).execute();
  }
}

async function createMetrics(db: Db, dialect: SqlDialectName): Promise<void> {
  await db.schema.createTable('latest_metrics')
    .addColumn('run_uuid', 'varchar(32)', (c) => c.notNull().references('runs.run_uuid').onDelete('cascade'))
    .addColumn('key', 'varchar(250)', (c) => c.notNull())
    .addColumn('value', 'double precision')
    .addColumn('is_nan', 'integer', (c) => c.notNull())
    .addColumn('step', 'bigint', (c) => c.notNull())
    .addColumn('timestamp', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('latest_metrics_pk', ['run_uuid', 'key'])
    .modifyEnd(clustered(dialect))
    .execute();
  // `metrics.auc > 0.9` and `order by metrics.auc` over many runs walk this index.
  await db.schema.createIndex('latest_metrics_key_value').on('latest_metrics').columns(['key', 'value']).execute();
  let t = db.schema.createTable('metric_chunks');
  t = dialect === 'sqlite'
    ? t.addColumn('chunk_id', 'integer', (c) => c.primaryKey().autoIncrement())
    : t.addColumn('chunk_id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity());
  await t
    .addColumn('run_uuid', 'varchar(32)', (c) => c.notNull().references('runs.run_uuid').onDelete('cascade'))
    .addColumn('key', 'varchar(250)', (c) => c.notNull())
    .addColumn('n', 'integer', (c) => c.notNull())
    .addColumn('data', columnTypes(dialect).bytes, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('metric_chunks_series').on('metric_chunks').columns(['run_uuid', 'key', 'chunk_id']).execute();
}

async function createInputs(db: Db): Promise<void> {
  await db.schema.createTable('datasets')
    .addColumn('dataset_uuid', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('experiment_id', 'bigint', (c) => c.notNull().references('experiments.experiment_id').onDelete('cascade'))
    .addColumn('name', 'varchar(500)', (c) => c.notNull())
    .addColumn('digest', 'varchar(64)', (c) => c.notNull())
    .addColumn('source_type', 'varchar(36)', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('schema', 'text')
    .addColumn('profile', 'text')
    .addUniqueConstraint('datasets_name_digest', ['experiment_id', 'name', 'digest'])
    .execute();
  await db.schema.createTable('inputs')
    .addColumn('run_uuid', 'varchar(32)', (c) => c.notNull().references('runs.run_uuid').onDelete('cascade'))
    .addColumn('dataset_uuid', 'varchar(32)', (c) => c.notNull().references('datasets.dataset_uuid').onDelete('cascade'))
    .addPrimaryKeyConstraint('inputs_pk', ['run_uuid', 'dataset_uuid'])
    .execute();
  await db.schema.createTable('input_tags')
    .addColumn('run_uuid', 'varchar(32)', (c) => c.notNull())
    .addColumn('dataset_uuid', 'varchar(32)', (c) => c.notNull())
    .addColumn('key', 'varchar(255)', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('input_tags_pk', ['run_uuid', 'dataset_uuid', 'key'])
    .addForeignKeyConstraint('input_tags_input', ['run_uuid', 'dataset_uuid'], 'inputs', ['run_uuid', 'dataset_uuid'], (c) => c.onDelete('cascade'))
    .execute();
}
