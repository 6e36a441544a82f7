/**
 * Adaptive batching: concurrent requests for one model version that arrive together run as one
 * model call. A model run costs a fixed overhead (feeds, a thread-pool hop, the result tensors)
 * plus a per-row part that a wide matrix multiply amortises well, so under load answering 64
 * single-row requests with one 64-row run is several times cheaper than 64 runs.
 *
 * The first request of a batch starts a timer of `maxLatencyMs`; requests arriving meanwhile join
 * until the batch holds `maxBatchSize` rows (then it runs at once) or the timer fires. Each
 * request's rows are validated before it joins, so a bad request fails alone; a model error fails
 * every request of its batch. A request larger than `maxBatchSize` runs alone, at once.
 */
import { fail } from '../../core/errors.js';
import type { InputRow, PredictionRow } from '../../models/index.js';

/** When to cut a batch: at `maxBatchSize` rows, or `maxLatencyMs` after its first request. */
export interface BatchingOptions {
  /** Rows per model call at most (a whole number ≥ 1). */
  readonly maxBatchSize: number;
  /** How long the first request of a batch waits for others, in milliseconds (≥ 0). */
  readonly maxLatencyMs: number;
}

/** What the batcher runs and how it checks a request's rows before they join a batch. */
export interface BatcherTarget {
  /** One model call over the rows; must answer one prediction per row, in order. */
  run(rows: readonly InputRow[]): Promise<PredictionRow[]>;
  /** Throws when the rows cannot be predicted (e.g. `checkRows` against the manifest). */
  validate(rows: readonly InputRow[]): void;
}

interface Waiter {
  readonly rows: readonly InputRow[];
  readonly resolve: (predictions: PredictionRow[]) => void;
  readonly reject: (err: unknown) => void;
}

/** Collects concurrent predict calls into batched model calls; see the file comment. */
export class AdaptiveBatcher {
  #pending: Waiter[] = [];
  #pendingRows = 0;
  #timer: NodeJS.Timeout | undefined;
  #calls = 0;
  #closed = false;

  constructor(
    private readonly target: BatcherTarget,
    private readonly options: BatchingOptions,
  ) {
    checkBatchingOptions(options);
  }

  /** Model calls made so far (batches plus requests run alone): what the tests and metrics count. */
  get calls(): number {
    return this.#calls;
  }

  /** Requests waiting for their batch to run. */
  get waiting(): number {
    return this.#pending.length;
  }

  /** Predicts `rows` within a batch; rejects alone when they fail validation. */
  predict(rows: readonly InputRow[]): Promise<PredictionRow[]> {
    try {
      this.target.validate(rows);
    } catch (err) {
      return Promise.reject(err);
    }
    if (rows.length === 0) return Promise.resolve([]);
    const { maxBatchSize, maxLatencyMs } = this.options;
    // Too big to share, or nothing to wait for: run alone, now, leaving any open batch be.
    if (rows.length >= maxBatchSize || this.#closed || maxLatencyMs === 0) return this.#call(rows);
    if (this.#pendingRows + rows.length > maxBatchSize) this.flush();
    return new Promise<PredictionRow[]>((resolve, reject) => {
      this.#pending.push({ rows, resolve, reject });
      this.#pendingRows += rows.length;
      if (this.#pendingRows >= maxBatchSize) this.flush();
      else this.#timer ??= setTimeout(() => this.flush(), maxLatencyMs);
    });
  }

  /** Runs the waiting requests now as one call (the timer does this; so do a full batch and close). */
  flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    const batch = this.#pending;
    if (batch.length === 0) return;
    this.#pending = [];
    this.#pendingRows = 0;
    if (batch.length === 1) {
      const only = batch[0]!;
      this.#call(only.rows).then(only.resolve, only.reject);
      return;
    }
    const rows: InputRow[] = [];
    for (const w of batch) for (const r of w.rows) rows.push(r);
    this.#call(rows).then(
      (predictions) => split(batch, predictions, rows.length),
      (err: unknown) => batch.forEach((w) => w.reject(err)),
    );
  }

  /** Runs what is waiting and takes no more waits: later requests run alone. Leaves no timer behind. */
  close(): void {
    this.#closed = true;
    this.flush();
  }

  #call(rows: readonly InputRow[]): Promise<PredictionRow[]> {
    this.#calls++;
    try {
      return this.target.run(rows);
    } catch (err) {
      return Promise.reject(err);
    }
  }
}

/** Hands each waiter its slice of the batch's predictions, in the order it joined. */
function split(batch: readonly Waiter[], predictions: readonly PredictionRow[], rows: number): void {
  if (predictions.length !== rows) {
    const err = new Error(`the model answered ${predictions.length} predictions for a batch of ${rows} rows`);
    batch.forEach((w) => w.reject(err));
    return;
  }
  let start = 0;
  for (const w of batch) {
    w.resolve(predictions.slice(start, start + w.rows.length));
    start += w.rows.length;
  }
}

/** INVALID_ARGUMENT naming the field unless both limits are usable. */
export function checkBatchingOptions(options: BatchingOptions): void {
  const { maxBatchSize, maxLatencyMs } = options;
  if (!Number.isInteger(maxBatchSize) || maxBatchSize < 1) fail('INVALID_ARGUMENT', `batching maxBatchSize must be a whole number of rows ≥ 1, got ${maxBatchSize}`, { field: 'maxBatchSize' });
  if (!Number.isFinite(maxLatencyMs) || maxLatencyMs < 0) fail('INVALID_ARGUMENT', `batching maxLatencyMs must be a number of milliseconds ≥ 0, got ${maxLatencyMs}`, { field: 'maxLatencyMs' });
}
