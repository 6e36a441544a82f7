import { sql, type Kysely } from 'kysely';
import type { SqlDialectName } from '../open-database.js';
import type { Migration } from './migration.js';

/**
 * The model registry: registered models, versions, tags, aliases, the append-only audit log,
 * webhooks and their delivery attempts.
 */
export const registryMigration: Migration = {
  name: '002-registry',
  async up(db, dialect) {
    await createModels(db);
    await createVersions(db);
    await createAuditLog(db, dialect);
    await createWebhooks(db, dialect);
  },
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Db = Kysely<any>;

async function createModels(db: Db): Promise<void> {
  // A surrogate id lets a rename touch one row while versions, tags and aliases follow.
  await db.schema.createTable('registered_models')
    .addColumn('model_id', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(256)', (c) => c.notNull().unique())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('creation_time', 'bigint', (c) => c.notNull())
    .addColumn('last_updated_time', 'bigint', (c) => c.notNull())
    // Version numbers are never reused after a delete (as MLflow), so the counter lives here.
    .addColumn('next_version', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createTable('registered_model_tags')
    .addColumn('model_id', 'varchar(32)', (c) => c.notNull().references('registered_models.model_id').onDelete('cascade'))
    .addColumn('key', 'varchar(250)', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('registered_model_tags_pk', ['model_id', 'key'])
    .execute();
}

async function createVersions(db: Db): Promise<void> {
  await db.schema.createTable('model_versions')
    .addColumn('model_id', 'varchar(32)', (c) => c.notNull().references('registered_models.model_id').onDelete('cascade'))
    .addColumn('version', 'bigint', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('run_id', 'varchar(32)')
    .addColumn('status', 'varchar(32)', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('signature', 'text')
    .addColumn('creation_time', 'bigint', (c) => c.notNull())
    .addColumn('last_updated_time', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('model_versions_pk', ['model_id', 'version'])
    .execute();
  // `run_id = '…'` filters (which versions did this run produce?).
  await db.schema.createIndex('model_versions_run').on('model_versions').column('run_id').execute();
  await db.schema.createTable('model_version_tags')
    .addColumn('model_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('version', 'bigint', (c) => c.notNull())
    .addColumn('key', 'varchar(250)', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('model_version_tags_pk', ['model_id', 'version', 'key'])
    .addForeignKeyConstraint('model_version_tags_version', ['model_id', 'version'], 'model_versions', ['model_id', 'version'], (c) => c.onDelete('cascade'))
    .execute();
  await db.schema.createTable('registered_model_aliases')
    .addColumn('model_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('alias', 'varchar(256)', (c) => c.notNull())
    .addColumn('version', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('registered_model_aliases_pk', ['model_id', 'alias'])
    .addForeignKeyConstraint('registered_model_aliases_version', ['model_id', 'version'], 'model_versions', ['model_id', 'version'], (c) => c.onDelete('cascade'))
    .execute();
}

async function createAuditLog(db: Db, dialect: SqlDialectName): Promise<void> {
  let t = db.schema.createTable('registry_audit_log');
  t = dialect === 'sqlite'
    ? t.addColumn('event_id', 'integer', (c) => c.primaryKey().autoIncrement())
    : t.addColumn('event_id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity());
  // No foreign key: the log outlives the model it describes.
  await t
    .addColumn('model_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('model_name', 'varchar(256)', (c) => c.notNull())
    .addColumn('action', 'varchar(64)', (c) => c.notNull())
    .addColumn('version', 'bigint')
    .addColumn('alias', 'varchar(256)')
    .addColumn('tag_key', 'varchar(250)')
    .addColumn('from_value', 'text')
    .addColumn('to_value', 'text')
    .addColumn('actor', 'varchar(256)', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('timestamp', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('registry_audit_log_model_id').on('registry_audit_log').columns(['model_id', 'event_id']).execute();
  await db.schema.createIndex('registry_audit_log_model_name').on('registry_audit_log').columns(['model_name', 'event_id']).execute();
  await forbidAuditChanges(db, dialect);
}

/** The database itself refuses UPDATE and DELETE on the audit log: append-only by construction. */
async function forbidAuditChanges(db: Db, dialect: SqlDialectName): Promise<void> {
  if (dialect === 'sqlite') {
    for (const op of ['update', 'delete']) {
      await sql.raw(`create trigger registry_audit_log_no_${op} before ${op} on registry_audit_log
        begin select raise(abort, 'registry_audit_log is append-only'); end`).execute(db);
    }
    return;
  }
  await sql.raw(`create function registry_audit_log_append_only() returns trigger language plpgsql as $$
    begin raise exception 'registry_audit_log is append-only'; end $$`).execute(db);
  await sql.raw(`create trigger registry_audit_log_no_change before update or delete on registry_audit_log
    for each statement execute function registry_audit_log_append_only()`).execute(db);
}

async function createWebhooks(db: Db, dialect: SqlDialectName): Promise<void> {
  await db.schema.createTable('registry_webhooks')
    .addColumn('webhook_id', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(256)', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('secret', 'text')
    // JSON array of event names (`model_version.created`, …).
    .addColumn('events', 'text', (c) => c.notNull())
    // NULL: registry-wide; otherwise the one model it listens to.
    .addColumn('model_name', 'varchar(256)')
    .addColumn('status', 'varchar(16)', (c) => c.notNull())
    .addColumn('creation_time', 'bigint', (c) => c.notNull())
    .addColumn('last_updated_time', 'bigint', (c) => c.notNull())
    .execute();
  let t = db.schema.createTable('registry_webhook_deliveries');
  t = dialect === 'sqlite'
    ? t.addColumn('attempt_id', 'integer', (c) => c.primaryKey().autoIncrement())
    : t.addColumn('attempt_id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity());
  await t
    .addColumn('webhook_id', 'varchar(32)', (c) => c.notNull().references('registry_webhooks.webhook_id').onDelete('cascade'))
    .addColumn('delivery_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('event', 'varchar(64)', (c) => c.notNull())
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('error', 'text')
    .addColumn('succeeded', 'integer', (c) => c.notNull())
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('timestamp', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('registry_webhook_deliveries_webhook').on('registry_webhook_deliveries').columns(['webhook_id', 'attempt_id']).execute();
}
