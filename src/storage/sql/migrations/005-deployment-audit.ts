import type { Migration } from './migration.js';

/**
 * Deployment changes in the registry's audit log: the audit entry of a deployment event names the
 * deployment (NULL for the registry's own events). Adding a nullable column touches no row, so the
 * append-only triggers (which refuse UPDATE and DELETE) are not involved.
 */
export const deploymentAuditMigration: Migration = {
  name: '005-deployment-audit',
  async up(db) {
    await db.schema.alterTable('registry_audit_log').addColumn('deployment', 'varchar(128)').execute();
  },
};
