/**
 * The tracking domain, shaped after MLflow's protos (service.proto) so the MLflow REST layer is
 * a thin mapping: ids are strings, times are epoch milliseconds, params and tags are strings.
 */

export type LifecycleStage = 'active' | 'deleted';
export type RunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';
/** Which lifecycle stages a search returns (MLflow's ViewType). */
export type ViewType = 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';

export type Tags = Readonly<Record<string, string>>;

export interface Experiment {
  readonly experimentId: string;
  readonly name: string;
  readonly artifactLocation: string;
  readonly lifecycleStage: LifecycleStage;
  readonly creationTime: number;
  readonly lastUpdateTime: number;
  readonly tags: Tags;
}

/** One metric point. `value` may be NaN or ±Infinity (MLflow stores and returns them). */
export interface Metric {
  readonly key: string;
  readonly value: number;
  /** Epoch milliseconds. */
  readonly timestamp: number;
  readonly step: number;
}

export interface Param {
  readonly key: string;
  readonly value: string;
}

export interface RunInfo {
  readonly runId: string;
  readonly experimentId: string;
  readonly runName: string;
  readonly userId: string;
  readonly status: RunStatus;
  readonly startTime: number;
  readonly endTime?: number;
  readonly artifactUri: string;
  readonly lifecycleStage: LifecycleStage;
}

/** A data version a run read (MLflow's DatasetInput; Paddock fills digest with the DVC md5). */
export interface DatasetInput {
  readonly name: string;
  readonly digest: string;
  readonly sourceType: string;
  readonly source: string;
  readonly schema?: string;
  readonly profile?: string;
  /** Input tags, e.g. `mlflow.data.context: training`. */
  readonly tags: Tags;
}

export interface Run {
  readonly info: RunInfo;
  readonly data: {
    /** The latest point of each key (by step, then timestamp, then value, as MLflow). */
    readonly metrics: readonly Metric[];
    readonly params: readonly Param[];
    readonly tags: Tags;
  };
  readonly inputs: readonly DatasetInput[];
}

/** A page of results; `nextPageToken` is absent on the last page. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly nextPageToken?: string;
}

export interface SearchRunsQuery {
  readonly experimentIds: readonly string[];
  /** MLflow filter syntax, plus `or` and parentheses. */
  readonly filter?: string;
  readonly viewType?: ViewType;
  readonly maxResults?: number;
  /** e.g. `metrics.auc DESC`, `params.lr`, `attributes.start_time ASC`. */
  readonly orderBy?: readonly string[];
  readonly pageToken?: string;
}

export interface SearchExperimentsQuery {
  readonly filter?: string;
  readonly viewType?: ViewType;
  readonly maxResults?: number;
  readonly orderBy?: readonly string[];
  readonly pageToken?: string;
}

/** A metric's whole series in columns (the compact form Paddock's API serves). */
export interface MetricSeries {
  readonly key: string;
  readonly steps: Float64Array;
  readonly timestamps: Float64Array;
  readonly values: Float64Array;
}
