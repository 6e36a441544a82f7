import type { Generated } from 'kysely';

/**
 * The tracking tables as Kysely sees them (created by migrations/001-tracking.ts). Column names
 * follow MLflow's SQL schema where one exists (run_uuid, lifecycle_stage) to ease migrations.
 */
export interface TrackingTables {
  experiments: {
    experiment_id: Generated<number>;
    name: string;
    artifact_location: string;
    lifecycle_stage: string;
    creation_time: number;
    last_update_time: number;
  };
  experiment_tags: { experiment_id: number; key: string; value: string };
  runs: {
    run_uuid: string;
    experiment_id: number;
    name: string;
    user_id: string;
    status: string;
    start_time: number;
    end_time: number | null;
    artifact_uri: string;
    lifecycle_stage: string;
    deleted_time: number | null;
    /** 1 when the run was deleted by deleting its experiment (restored with it). */
    deleted_with_experiment: number;
  };
  params: { run_uuid: string; key: string; value: string };
  tags: { run_uuid: string; key: string; value: string };
  /** One row per (run, key): the MLflow "latest" point, kept on write for search and run data. */
  latest_metrics: {
    run_uuid: string;
    key: string;
    /** NULL when the value is NaN (SQLite cannot store NaN); ±Infinity are stored as such. */
    value: number | null;
    is_nan: number;
    step: number;
    timestamp: number;
  };
  /** A run+key series as appended chunks of packed float64 columns (see metric-chunks.ts). */
  metric_chunks: {
    chunk_id: Generated<number>;
    run_uuid: string;
    key: string;
    n: number;
    data: Uint8Array;
  };
  datasets: {
    dataset_uuid: string;
    experiment_id: number;
    name: string;
    digest: string;
    source_type: string;
    source: string;
    schema: string | null;
    profile: string | null;
  };
  inputs: { run_uuid: string; dataset_uuid: string };
  input_tags: { run_uuid: string; dataset_uuid: string; key: string; value: string };
}
