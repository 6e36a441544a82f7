import type { Migration } from './migration.js';

/**
 * Approvals of model versions (`paddock approve`), which promotion policies can require: one row
 * per person per version (the primary key makes a second approval by the same person a unique
 * violation). Keyed by the model's id, so a renamed model keeps its approvals; the name at the time
 * is kept for reading after a delete. Self-contained: it reads no table another migration adds.
 */
export const promotionApprovalsMigration: Migration = {
  name: '009-promotion-approvals',
  async up(db) {
    await db.schema.createTable('model_version_approvals')
      .addColumn('model_id', 'varchar(32)', (c) => c.notNull())
      .addColumn('model_name', 'varchar(256)', (c) => c.notNull())
      .addColumn('version', 'bigint', (c) => c.notNull())
      .addColumn('approver', 'varchar(256)', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('timestamp', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('model_version_approvals_pk', ['model_id', 'version', 'approver'])
      .execute();
  },
};
