/**
 * Part of the composition root: the promotion policy's guards around the registry and the
 * deployment store, built from the project's config over the metadata database. Every entry point
 * that can move production (CLI, server, SDK, the canary analysis) composes its stores through
 * here, so no path skips the policy.
 */
import type { Project } from './core/project.js';
import { withPromotionPolicy, withPromotionPolicyDeployments, type PromotionGuardDeps } from './automation/promotion/index.js';
import type { RegistryStore } from './registry/index.js';
import type { DeploymentStore } from './serving/index.js';
import type { SqlDialectName } from './storage/sql/open-database.js';
import { SqlPromotionStore } from './storage/sql/promotion/sql-promotion-store.js';
import { SqlRegistryStore } from './storage/sql/registry/sql-registry-store.js';
import type { TrackingStore } from './tracking/index.js';

/** The open metadata database with its tracking store. */
export interface PromotionDatabase {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly db: any;
  readonly dialect: SqlDialectName;
  readonly tracking: TrackingStore;
}

/** Wraps stores so that moving a guarded alias or deployment runs the policy's checks first. */
export interface PromotionGuard {
  readonly store: SqlPromotionStore;
  registry(registry: RegistryStore): RegistryStore;
  deployments(store: DeploymentStore): DeploymentStore;
}

/**
 * The project's promotion guard over `metadata`. The checks read the registry directly (`registry`,
 * default a SqlRegistryStore over the same database); without policies the wrappers return the
 * stores unchanged.
 */
export function promotionGuard(project: Pick<Project, 'config'>, metadata: PromotionDatabase, registry?: RegistryStore): PromotionGuard {
  const store = new SqlPromotionStore(metadata);
  const config = project.config.promotion;
  if (Object.keys(config.policies).length === 0) return { store, registry: (r) => r, deployments: (d) => d };
  const deps: PromotionGuardDeps = { registry: registry ?? new SqlRegistryStore(metadata), tracking: metadata.tracking, store, config };
  return {
    store,
    registry: (r) => withPromotionPolicy(r, deps),
    deployments: (d) => withPromotionPolicyDeployments(d, deps),
  };
}
