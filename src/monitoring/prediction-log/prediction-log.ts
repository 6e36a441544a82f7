/**
 * The prediction log: every prediction a server answered (sampled), append-only, with the
 * ground truth joined later. The port; adapters live in storage/ (the metadata database for the
 * embedded default, Parquet files in the artifact store for volume). Serving writes through a
 * bounded buffer off the request path; monitoring reads windows of it.
 */

/** One answered row (a multi-row request gives one record per row, numbered by rowIndex). */
export interface PredictionRecord {
  /** The request id (the caller's x-request-id or a generated one). */
  readonly requestId: string;
  /** The row's position in its request (0 for single-row requests). */
  readonly rowIndex: number;
  /** The deployment's name, or the served model's URL name outside deployments. */
  readonly deployment: string;
  /** The registered model (or package name) and the version that answered. */
  readonly model: string;
  readonly version: string;
  /**
   * stable, canary or default (outside deployments); `shadow` for a mirror's answer, logged under
   * the request id of the primary answer it shadows (and its own version, time and latency), with
   * no inputs: they are the primary's row of the same request id and row index.
   */
  readonly variant: string;
  /** The row's input columns, as the model received them. */
  readonly inputs: Readonly<Record<string, unknown>>;
  /** The row's outputs (label, probabilities, prediction, …). */
  readonly outputs: Readonly<Record<string, unknown>>;
  /** The whole request's latency. */
  readonly latencyMs: number;
  /** When it was answered, ms since the epoch. */
  readonly at: number;
}

/** Ground truth arriving later, for one row: by request id (and row), or by a declared key column's value. */
export interface LabelRecord {
  readonly requestId?: string;
  readonly rowIndex?: number;
  /** The value of the deployment's key column (monitoring.labels.key_column) in the row's inputs. */
  readonly key?: string;
  readonly label: unknown;
  /** When the label became known, ms since the epoch (default: when it was received). */
  readonly at?: number;
}

/** A logged prediction with its label once one was joined. */
export interface LoggedPrediction extends PredictionRecord {
  readonly label?: unknown;
  readonly labeledAt?: number;
}

/** Which predictions to read: one deployment, a time range of prediction times [since, until). */
export interface PredictionQuery {
  readonly deployment: string;
  readonly since: number;
  readonly until: number;
  readonly version?: string;
  /** One variant; without it, every variant but `shadow` (the answers callers got, which monitoring judges). */
  readonly variant?: string;
  /** Only rows with a joined label. */
  readonly labeled?: boolean;
}

/** The variant of a mirror's answers: scans leave them out unless asked, and key-column labels never join them. */
export const SHADOW_VARIANT = 'shadow';

/** The port. Contract suite: storage/contracts/prediction-log.contract.ts. */
export interface PredictionLogStore {
  /** Appends records (atomic per call). */
  append(records: readonly PredictionRecord[]): Promise<void>;
  /** Calls `onBatch` with the matching predictions, oldest first, in batches of bounded size. */
  scan(query: PredictionQuery, onBatch: (batch: readonly LoggedPrediction[]) => void | Promise<void>): Promise<void>;
  /**
   * Joins labels to predictions of `deployment` made within `joinWindowMs` before each label's
   * time: by request id (+ row index), else by key column value (the latest prediction with that
   * key in the window). A label for a row that already has one replaces it. Never joins across deployments.
   */
  attachLabels(deployment: string, labels: readonly LabelRecord[], options: { readonly joinWindowMs: number; readonly keyColumn?: string }): Promise<{ readonly matched: number; readonly unmatched: number }>;
  /** Deletes predictions answered before `before` (retention); returns how many. */
  prune(before: number): Promise<number>;
  close?(): Promise<void>;
}
