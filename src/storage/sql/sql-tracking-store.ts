import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { systemClock, type Clock } from '../../core/clock.js';
import type {
  DatasetInput, Experiment, ExperimentColumns, Metric, MetricSeries, Page, Param, Run, RunInfo, RunStatus, SearchExperimentsQuery, SearchRunsQuery, Tags, TrackingStore,
} from '../../tracking/index.js';
import { experimentColumns } from './experiment-columns.js';
import * as lifecycle from './experiment-lifecycle.js';
import * as experiments from './experiments.js';
import * as batch from './log-batch.js';
import * as history from './metric-history.js';
import type { SqlDialectName } from './open-database.js';
import { sqliteStatements } from './raw-statements.js';
import * as runs from './runs.js';
import { searchExperiments } from './search-experiments.js';
import { searchRuns } from './search-runs.js';
import { SeriesTailCache } from './series-tail-cache.js';
import type { StoreContext } from './store-context.js';
import type { TrackingTables } from './tracking-schema.js';

/** Options for {@link SqlTrackingStore}. */
export interface SqlTrackingStoreOptions {
  readonly dialect: SqlDialectName;
  /** Default artifact root: experiment N stores under `<artifactsRoot>/N`. */
  readonly artifactsRoot: string;
  readonly clock?: Clock;
  /**
   * The better-sqlite3 handle `db` runs on (SQLite only): log-metric's fixed statements are then
   * prepared once on it instead of built, compiled and prepared per call by Kysely.
   */
  readonly sqliteHandle?: BetterSqlite3.Database;
}

/**
 * The TrackingStore over SQLite or PostgreSQL through one Kysely instance (migrated by
 * runMigrations). Each method is one use-case file; this class only wires them. Use
 * {@link SqlTrackingStore.open} (creates the Default experiment), not the constructor.
 */
export class SqlTrackingStore implements TrackingStore {
  private readonly ctx: StoreContext;

  private constructor(db: Kysely<TrackingTables>, options: SqlTrackingStoreOptions) {
    this.ctx = {
      db, dialect: options.dialect, artifactsRoot: options.artifactsRoot, clock: options.clock ?? systemClock, tails: new SeriesTailCache(),
      ...(options.dialect === 'sqlite' && options.sqliteHandle ? { sqlite: sqliteStatements(options.sqliteHandle) } : {}),
    };
  }

  /** A store over a migrated database; ensures experiment 0 "Default" exists, as MLflow does. */
  static async open(db: Kysely<TrackingTables>, options: SqlTrackingStoreOptions): Promise<SqlTrackingStore> {
    const store = new SqlTrackingStore(db, options);
    await experiments.ensureDefaultExperiment(store.ctx);
    return store;
  }

  createExperiment(input: { name: string; artifactLocation?: string; tags?: Tags }): Promise<string> { return experiments.createExperiment(this.ctx, input); }
  getExperiment(experimentId: string): Promise<Experiment> { return experiments.getExperiment(this.ctx, experimentId); }
  getExperimentByName(name: string): Promise<Experiment> { return experiments.getExperimentByName(this.ctx, name); }
  searchExperiments(query: SearchExperimentsQuery): Promise<Page<Experiment>> { return searchExperiments(this.ctx, query); }
  renameExperiment(experimentId: string, newName: string): Promise<void> { return lifecycle.renameExperiment(this.ctx, experimentId, newName); }
  deleteExperiment(experimentId: string): Promise<void> { return lifecycle.deleteExperiment(this.ctx, experimentId); }
  restoreExperiment(experimentId: string): Promise<void> { return lifecycle.restoreExperiment(this.ctx, experimentId); }
  purgeExperiment(experimentId: string): Promise<void> { return lifecycle.purgeExperiment(this.ctx, experimentId); }
  setExperimentTag(experimentId: string, key: string, value: string): Promise<void> { return lifecycle.setExperimentTag(this.ctx, experimentId, key, value); }
  deleteExperimentTag(experimentId: string, key: string): Promise<void> { return lifecycle.deleteExperimentTag(this.ctx, experimentId, key); }

  createRun(input: { experimentId: string; runName?: string; userId?: string; startTime?: number; tags?: Tags; parentRunId?: string }): Promise<Run> { return runs.createRun(this.ctx, input); }
  getRun(runId: string): Promise<Run> { return runs.getRun(this.ctx, runId); }
  updateRun(runId: string, patch: { status?: RunStatus; endTime?: number; runName?: string }): Promise<RunInfo> { return runs.updateRun(this.ctx, runId, patch); }
  deleteRun(runId: string): Promise<void> { return runs.deleteRun(this.ctx, runId); }
  restoreRun(runId: string): Promise<void> { return runs.restoreRun(this.ctx, runId); }
  logBatch(runId: string, b: { metrics?: readonly Metric[]; params?: readonly Param[]; tags?: Tags }): Promise<void> { return batch.logBatch(this.ctx, runId, b); }
  logInputs(runId: string, datasets: readonly DatasetInput[]): Promise<void> { return batch.logInputs(this.ctx, runId, datasets); }
  deleteTag(runId: string, key: string): Promise<void> { return runs.deleteTag(this.ctx, runId, key); }
  getMetricHistory(runId: string, key: string, options?: { maxResults?: number; pageToken?: string }): Promise<Page<Metric>> { return history.getMetricHistory(this.ctx, runId, key, options); }
  getMetricSeries(runId: string, key: string, options?: { maxPoints?: number }): Promise<MetricSeries> { return history.getMetricSeries(this.ctx, runId, key, options); }
  searchRuns(query: SearchRunsQuery): Promise<Page<Run>> { return searchRuns(this.ctx, query); }
  experimentColumns(experimentId: string): Promise<ExperimentColumns> { return experimentColumns(this.ctx, experimentId); }
}
