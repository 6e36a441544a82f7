/** The registry shapes of /api/v1/models… (src/registry/model.ts). */
export interface ModelVersion {
  readonly name: string;
  readonly version: number;
  readonly creationTimestamp: number;
  readonly lastUpdatedTimestamp: number;
  readonly description: string;
  readonly source: string;
  readonly runId?: string;
  readonly status: 'PENDING_REGISTRATION' | 'FAILED_REGISTRATION' | 'READY';
  readonly tags: Readonly<Record<string, string>>;
  readonly aliases: readonly string[];
}

export interface RegisteredModel {
  readonly name: string;
  readonly creationTimestamp: number;
  readonly lastUpdatedTimestamp: number;
  readonly description: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly aliases: Readonly<Record<string, number>>;
  readonly latestVersion?: ModelVersion;
}

export interface AuditEvent {
  readonly id: number;
  readonly model: string;
  readonly action: string;
  readonly version?: number;
  readonly alias?: string;
  readonly key?: string;
  readonly from?: string;
  readonly to?: string;
  readonly deployment?: string;
  readonly actor: string;
  readonly reason?: string;
  readonly timestamp: number;
}

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
  readonly runMissing?: boolean;
}

export interface Page<T> {
  readonly items: readonly T[];
  readonly nextPageToken?: string;
}
