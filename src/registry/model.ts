/**
 * The model registry domain, shaped after MLflow's model_registry.proto: registered models,
 * versions numbered from 1 per model, aliases, tags; plus Paddock's audit log and lineage.
 */

// Tags as tracking declares them, spelled out here so this file imports nothing: the API's wire
// module (src/http/api-v1/wire/registry.ts) re-exports these types to the browser build.
type Tags = Readonly<Record<string, string>>;

export type ModelVersionStatus = 'PENDING_REGISTRATION' | 'FAILED_REGISTRATION' | 'READY';

export interface RegisteredModel {
  readonly name: string;
  readonly creationTimestamp: number;
  readonly lastUpdatedTimestamp: number;
  readonly description: string;
  readonly tags: Tags;
  /** alias → version number */
  readonly aliases: Readonly<Record<string, number>>;
  /** The newest version (MLflow's latest_versions, without the deprecated stages). */
  readonly latestVersion?: ModelVersion;
}

export interface ModelVersion {
  readonly name: string;
  readonly version: number;
  readonly creationTimestamp: number;
  readonly lastUpdatedTimestamp: number;
  readonly description: string;
  /** Where the model files are (artifact URI, e.g. `runs:/<id>/model` resolved to its store). */
  readonly source: string;
  readonly runId?: string;
  readonly status: ModelVersionStatus;
  readonly tags: Tags;
  readonly aliases: readonly string[];
  /** The model's input/output signature as JSON text (from the model package), if known. */
  readonly signature?: string;
}

/** One entry of the append-only audit log. */
export interface AuditEvent {
  readonly id: number;
  readonly model: string;
  /**
   * e.g. `model.created`, `model.updated`, `model.renamed`, `model.deleted`, `model.tag_set`,
   * `model.tag_deleted`, `version.created`, `version.updated`, `version.deleted`,
   * `version.tag_set`, `version.tag_deleted`, `alias.set`, `alias.deleted`; for the model's
   * deployments `deployment.created`, `deployment.set`, `deployment.step`, `deployment.promoted`,
   * `deployment.rolled_back`, `deployment.analysis`, `deployment.deleted` (from/to: the policy).
   */
  readonly action: string;
  readonly version?: number;
  readonly alias?: string;
  /** The tag key, for `*.tag_set` / `*.tag_deleted` events. */
  readonly key?: string;
  readonly from?: string;
  readonly to?: string;
  /** The deployment, for `deployment.*` events. */
  readonly deployment?: string;
  readonly actor: string;
  readonly reason?: string;
  readonly timestamp: number;
}

/** A version's origin: run → params → data versions → git commit. */
export interface Lineage {
  readonly model: string;
  readonly version: number;
  readonly runId?: string;
  readonly experimentId?: string;
  readonly params: Readonly<Record<string, string>>;
  readonly metrics: Readonly<Record<string, number>>;
  readonly inputs: readonly { readonly name: string; readonly digest: string; readonly source: string }[];
  readonly gitCommit?: string;
  readonly gitDirty?: boolean;
  readonly stage?: string;
  /** True when the version names a run the tracking store no longer has (purged). */
  readonly runMissing?: boolean;
}
