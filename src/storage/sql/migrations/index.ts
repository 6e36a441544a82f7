import type { Migration } from './migration.js';
import { trackingMigration } from './001-tracking.js';
import { registryMigration } from './002-registry.js';
import { tokensMigration } from './003-tokens.js';
import { deploymentsMigration } from './004-deployments.js';
import { deploymentAuditMigration } from './005-deployment-audit.js';
import { predictionLogMigration } from './006-prediction-log.js';
import { alertsMigration } from './007-alerts.js';
import { retrainingsMigration } from './008-retrainings.js';
import { promotionApprovalsMigration } from './009-promotion-approvals.js';
import { predictionLogPartialKeyIndexMigration } from './010-prediction-log-partial-key-index.js';

/**
 * Every migration, in the order they apply. Append only: add a new file `NNN-name.ts` and one
 * line here; never edit or reorder a released migration.
 */
export const MIGRATIONS: readonly Migration[] = [
  trackingMigration,
  registryMigration,
  tokensMigration,
  deploymentsMigration,
  deploymentAuditMigration,
  predictionLogMigration,
  alertsMigration,
  retrainingsMigration,
  promotionApprovalsMigration,
  predictionLogPartialKeyIndexMigration,
];

export type { Migration } from './migration.js';
