import type { Generated } from 'kysely';

/** The prediction log table as migration 006-prediction-log creates it (the slice Kysely sees). */
export interface PredictionLogTables {
  prediction_log: {
    id: Generated<number>;
    deployment: string;
    request_id: string;
    row_index: number;
    model: string;
    version: string;
    variant: string;
    at: number;
    latency_ms: number;
    /** The row's inputs as JSON. */
    inputs: string;
    /** The row's outputs as JSON. */
    outputs: string;
    /** The key column's value (when the deployment declares one), for key-column label joins. */
    label_key: string | null;
    /** The joined label as JSON, or NULL. */
    label: string | null;
    labeled_at: number | null;
  };
}
