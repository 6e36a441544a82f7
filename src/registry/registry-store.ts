import type { Page, Tags } from '../tracking/index.js';
import type { AuditEvent, ModelVersion, ModelVersionStatus, RegisteredModel } from './model.js';

/** Who made a change and why: recorded in the audit log with every write. */
export interface Actor {
  readonly actor: string;
  readonly reason?: string;
  /**
   * An override of the promotion policy (automation/promotion): the move happens even though
   * checks fail, and the override is audited as `policy.override`. Callers grant it to admins only.
   */
  readonly override?: boolean;
}

/**
 * The registry port. Adapter: SqlRegistryStore (storage/sql) over the same database as the
 * tracking store; contract suite in storage/contracts/registry-store.contract.ts. Every write
 * appends its audit event in the same transaction.
 */
export interface RegistryStore {
  createModel(input: { name: string; description?: string; tags?: Tags }, by: Actor): Promise<RegisteredModel>;
  getModel(name: string): Promise<RegisteredModel>;
  searchModels(query: { filter?: string; maxResults?: number; orderBy?: readonly string[]; pageToken?: string }): Promise<Page<RegisteredModel>>;
  updateModel(name: string, patch: { description?: string }, by: Actor): Promise<RegisteredModel>;
  renameModel(name: string, newName: string, by: Actor): Promise<RegisteredModel>;
  deleteModel(name: string, by: Actor): Promise<void>;
  setModelTag(name: string, key: string, value: string, by: Actor): Promise<void>;
  deleteModelTag(name: string, key: string, by: Actor): Promise<void>;

  createVersion(input: { name: string; source: string; runId?: string; description?: string; tags?: Tags; signature?: string }, by: Actor): Promise<ModelVersion>;
  getVersion(name: string, version: number): Promise<ModelVersion>;
  searchVersions(query: { filter?: string; maxResults?: number; orderBy?: readonly string[]; pageToken?: string }): Promise<Page<ModelVersion>>;
  updateVersion(name: string, version: number, patch: { description?: string; status?: ModelVersionStatus }, by: Actor): Promise<ModelVersion>;
  deleteVersion(name: string, version: number, by: Actor): Promise<void>;
  setVersionTag(name: string, version: number, key: string, value: string, by: Actor): Promise<void>;
  deleteVersionTag(name: string, version: number, key: string, by: Actor): Promise<void>;

  setAlias(name: string, alias: string, version: number, by: Actor): Promise<void>;
  deleteAlias(name: string, alias: string, by: Actor): Promise<void>;
  getVersionByAlias(name: string, alias: string): Promise<ModelVersion>;

  /** The model's audit log, oldest first. */
  auditLog(name: string): Promise<readonly AuditEvent[]>;

  close?(): Promise<void>;
}
