import type {
  DatasetInput, Experiment, Metric, MetricSeries, Page, Param, Run, RunInfo, RunStatus, SearchExperimentsQuery, SearchRunsQuery, Tags,
} from './model.js';

/** Every param, metric and tag key logged to an experiment's active runs, each sorted. */
export interface ExperimentColumns {
  readonly params: readonly string[];
  readonly metrics: readonly string[];
  readonly tags: readonly string[];
}

/**
 * The tracking port. Adapters: SqlTrackingStore (storage/sql, SQLite and PostgreSQL through
 * Kysely) and HttpTrackingStore (client/, talking to a Paddock server), both run through
 * storage/contracts/tracking-store.contract.ts. Errors are catalogue codes: NOT_FOUND for an
 * unknown id, ALREADY_EXISTS for a duplicate name, INVALID_ARGUMENT for bad values (including
 * a param logged again with a different value), INVALID_STATE for writes to a deleted run.
 */
export interface TrackingStore {
  createExperiment(input: { name: string; artifactLocation?: string; tags?: Tags }): Promise<string>;
  getExperiment(experimentId: string): Promise<Experiment>;
  /** NOT_FOUND when no experiment (active or deleted) has the name. */
  getExperimentByName(name: string): Promise<Experiment>;
  searchExperiments(query: SearchExperimentsQuery): Promise<Page<Experiment>>;
  renameExperiment(experimentId: string, newName: string): Promise<void>;
  /** Soft delete: the name stays taken until purged; its runs are deleted with it. */
  deleteExperiment(experimentId: string): Promise<void>;
  restoreExperiment(experimentId: string): Promise<void>;
  /** Permanent delete of a (soft-)deleted experiment with its runs: frees the name. */
  purgeExperiment(experimentId: string): Promise<void>;
  setExperimentTag(experimentId: string, key: string, value: string): Promise<void>;
  deleteExperimentTag(experimentId: string, key: string): Promise<void>;

  createRun(input: { experimentId: string; runName?: string; userId?: string; startTime?: number; tags?: Tags; parentRunId?: string }): Promise<Run>;
  getRun(runId: string): Promise<Run>;
  updateRun(runId: string, patch: { status?: RunStatus; endTime?: number; runName?: string }): Promise<RunInfo>;
  deleteRun(runId: string): Promise<void>;
  restoreRun(runId: string): Promise<void>;
  /** Metrics, params and tags in one atomic write: all of it is stored, or none. */
  logBatch(runId: string, batch: { metrics?: readonly Metric[]; params?: readonly Param[]; tags?: Tags }): Promise<void>;
  logInputs(runId: string, datasets: readonly DatasetInput[]): Promise<void>;
  deleteTag(runId: string, key: string): Promise<void>;
  /** Every point of one metric, in step/timestamp order (MLflow's get-history). */
  getMetricHistory(runId: string, key: string, options?: { maxResults?: number; pageToken?: string }): Promise<Page<Metric>>;
  /** The same series as columns; with `maxPoints`, downsampled server-side for charts. */
  getMetricSeries(runId: string, key: string, options?: { maxPoints?: number }): Promise<MetricSeries>;
  searchRuns(query: SearchRunsQuery): Promise<Page<Run>>;
  /**
   * The keys the experiment's active runs use (the runs table's choosable columns), found by
   * the store rather than by reading every run. NOT_FOUND for an unknown experiment. Optional:
   * a store without it leaves callers to collect keys from the runs they have.
   */
  experimentColumns?(experimentId: string): Promise<ExperimentColumns>;

  close?(): Promise<void>;
}
