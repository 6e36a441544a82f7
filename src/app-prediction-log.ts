/**
 * The prediction log's composition: which store paddock.yaml's `monitoring.prediction_log.store`
 * picks (the metadata database, or Parquet files under the artifact root), the buffered logger
 * serving writes through, and the hourly retention prune. Part of the composition root; `paddock
 * serve`, `paddock server` and `paddock monitor` use it.
 */
import path from 'node:path';
import { artifactStoreConfig, artifactsRootOf } from './app.js';
import { fail } from './core/errors.js';
import type { Logger } from './core/logging.js';
import { STATE_DIR, type Project } from './core/project.js';
import { PredictionLogger, type PredictionLogStore } from './monitoring/index.js';
import { openObjectStore } from './storage/artifacts/open-object-store.js';
import { ParquetPredictionLog } from './storage/parquet-prediction-log/parquet-prediction-log.js';
import type { PredictionLogDatabase } from './storage/sql/prediction-log/sql-prediction-log.js';
import { SqlPredictionLog } from './storage/sql/prediction-log/sql-prediction-log.js';

type ProjectSettings = Pick<Project, 'root' | 'config'> & Partial<Pick<Project, 'stateDir'>>;

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/**
 * Rows per SQLite write. The inserts run on a writer thread (at the lowest priority); the serving
 * thread only packs each batch (about 25 µs per 100 rows). Batches are sent as soon as this many
 * rows wait (sooner than flush_rows): rows held as objects for long outlive the young generation,
 * and copying thousands of them made garbage collection pauses of several ms. 100, not 500: a
 * 500-row transaction holds a core for about 2.5 ms, and a serving thread woken on that core can
 * wait for it: the p50 at half load was 1.03–1.43× the unlogged server's in five runs with 500,
 * 0.97× and 1.11× in two with 100 (bench/prediction-log.js, one noisy machine).
 */
const SQLITE_BATCH_ROWS = 100;

/** How labels join (monitoring.labels): the window, and each deployment's key column. */
export interface LabelJoinSettings {
  readonly joinWindowMs: number;
  keyColumnOf(deployment: string): string | undefined;
}

/** monitoring.labels as the stores and the labels API use it. */
export function labelJoinSettings(project: Pick<Project, 'config'>): LabelJoinSettings {
  const labels = project.config.monitoring.labels;
  return {
    joinWindowMs: labels.join_window_hours * HOUR_MS,
    keyColumnOf: (deployment) => labels.key_columns[deployment] ?? labels.key_column,
  };
}

/** Whether the log's store is the metadata database (the caller then opens it). */
export function predictionLogNeedsMetadata(project: Pick<Project, 'config'>): boolean {
  const settings = project.config.monitoring.prediction_log;
  return settings.enabled && settings.store === 'metadata';
}

/**
 * The configured store: the metadata database (`metadata`, the default) or Parquet under the
 * artifact root. In a serving process SQLite appends (`writerThread`) and scans (`readerThread`,
 * its monitoring window) run on worker threads of their own, so neither holds the event loop.
 */
export function openPredictionLogStore(project: ProjectSettings, meta: PredictionLogDatabase | undefined, options: { readonly writerThread?: boolean; readonly readerThread?: boolean } = {}): PredictionLogStore {
  const { keyColumnOf } = labelJoinSettings(project);
  if (project.config.monitoring.prediction_log.store === 'metadata') {
    if (!meta) return fail('INTERNAL', 'the prediction log in the metadata database needs the database open');
    return new SqlPredictionLog(meta, { keyColumnOf, ...(options.writerThread && { writerThread: true }), ...(options.readerThread && { readerThread: true }) });
  }
  const root = artifactsRootOf(project);
  const remote = /^[a-z][a-z0-9+.-]*:\/\//i.test(root);
  return new ParquetPredictionLog({
    objects: openObjectStore(artifactStoreConfig(project, root), { root: project.root, name: 'artifacts' }),
    ...(remote ? {} : { localRoot: root }),
    workDir: path.join(project.stateDir ?? path.join(project.root, STATE_DIR), 'prediction-log'),
    keyColumnOf,
  });
}

/** The running prediction log of a server: the sink serving records to, and its store. */
export interface RunningPredictionLog {
  readonly logger: PredictionLogger;
  readonly store: PredictionLogStore;
  /** Flushes what is buffered, stops pruning and closes the store (not the metadata database). */
  close(): Promise<void>;
}

/**
 * Starts logging predictions per `monitoring.prediction_log` (undefined when it is disabled), and,
 * when `prune` is set (one process per project should), deletes predictions older than the
 * retention now and every hour.
 */
export function startPredictionLog(project: ProjectSettings, meta: PredictionLogDatabase | undefined, options: { readonly logger: Logger; readonly prune: boolean }): RunningPredictionLog | undefined {
  const settings = project.config.monitoring.prediction_log;
  if (!settings.enabled) return undefined;
  const store = openPredictionLogStore(project, meta, { writerThread: true });
  const sqlite = settings.store === 'metadata' && meta?.dialect === 'sqlite';
  const logger = new PredictionLogger({
    store, sampleRate: settings.sample_rate, bufferSize: settings.buffer_size, flushIntervalMs: settings.flush_interval_ms,
    flushRows: sqlite ? Math.min(settings.flush_rows, SQLITE_BATCH_ROWS) : settings.flush_rows,
    // Each SQLite batch is serialised on the event loop: in slices, with requests answered between them.
    ...(sqlite ? { maxBatchRows: SQLITE_BATCH_ROWS } : {}),
    onError: (message, err) => options.logger.warn({ err }, message),
  });
  const prune = async (): Promise<void> => {
    try {
      const deleted = await store.prune(Date.now() - settings.retention_days * DAY_MS);
      if (deleted > 0) options.logger.info({ deleted }, 'prediction log: deleted predictions past the retention');
    } catch (err) {
      options.logger.warn({ err }, 'prediction log: pruning past the retention failed; retrying in an hour');
    }
  };
  let timer: NodeJS.Timeout | undefined;
  let pruning: Promise<void> | undefined;
  if (options.prune) {
    pruning = prune();
    timer = setInterval(() => { pruning = prune(); }, HOUR_MS);
    timer.unref();
  }
  return {
    logger,
    store,
    async close() {
      if (timer) clearInterval(timer);
      await pruning;
      await logger.close();
      await store.close?.();
    },
  };
}
