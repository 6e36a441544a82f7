import type { Actor } from '../../registry/index.js';

/** One person's approval of one model version (`paddock approve`). */
export interface Approval {
  readonly model: string;
  readonly version: number;
  readonly approver: string;
  readonly reason?: string;
  readonly timestamp: number;
}

/** An admin's override of failing checks, as the registry's audit log records it. */
export interface PolicyOverride {
  readonly model: string;
  readonly version: number;
  readonly alias?: string;
  readonly deployment?: string;
  /** The failing checks, one `check: detail` per line. */
  readonly failed: string;
}

/**
 * The promotion port: approvals (one per person per version) and audited overrides. Adapter:
 * SqlPromotionStore (storage/sql/promotion) over the metadata database; overrides go to the
 * registry's audit log as `policy.override` events.
 */
export interface PromotionStore {
  /** ALREADY_EXISTS when `by.actor` already approved this version. */
  addApproval(model: string, version: number, by: Actor): Promise<Approval>;
  /** Approvals of the model (of one version when given), oldest first. */
  approvals(model: string, version?: number): Promise<Approval[]>;
  recordOverride(override: PolicyOverride, by: Actor): Promise<void>;
}
