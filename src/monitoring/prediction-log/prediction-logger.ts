/**
 * The prediction log's writer on the serving side: `record` is synchronous and O(1) (a sampling
 * decision and an array push, no serialisation), rows wait in a bounded buffer, and one flush at
 * a time writes them to the store in batches, off the request path. When the buffer is full rows
 * are dropped and counted: serving never waits for the log. A failing store is retried with
 * backoff, then its batch is dropped and counted; nothing here throws into the server.
 */
import type { PredictionLogStore, PredictionRecord } from './prediction-log.js';

/** What serving writes predictions to (the logger; a test's array). */
export interface PredictionSink {
  record(record: PredictionRecord): void;
}

/** Options of {@link PredictionLogger}; defaults are paddock.yaml's `monitoring.prediction_log` ones. */
export interface PredictionLoggerOptions {
  readonly store: PredictionLogStore;
  /** Share of requests kept, 0..1 (default 1): decided by request id, so a request's rows go together. */
  readonly sampleRate?: number;
  /** Rows buffered or being written at most (default 100000); more are dropped. */
  readonly bufferSize?: number;
  /** How often buffered rows are written (default 1000 ms). */
  readonly flushIntervalMs?: number;
  /** Write as soon as this many rows wait (default 5000). */
  readonly flushRows?: number;
  /**
   * Rows per store write at most (default: all that wait). A store that writes synchronously
   * (SQLite) gets small batches, with the event loop free for requests between them.
   */
  readonly maxBatchRows?: number;
  /** Waits between attempts at a failing write (default 100 ms, 0.5 s, 2 s, 5 s); then the batch is dropped. */
  readonly retryDelaysMs?: readonly number[];
  /** Told about failed writes (the server logs them). */
  readonly onError?: (message: string, err: unknown) => void;
}

/** Counts for /metrics (`paddock_prediction_log_written_total`, `…_dropped_total`). */
export interface PredictionLogCounts {
  readonly written: number;
  readonly dropped: number;
  readonly buffered: number;
}

const DEFAULT_RETRIES = [100, 500, 2000, 5000] as const;

/** The buffered, sampled, never-blocking writer of the prediction log. */
export class PredictionLogger implements PredictionSink {
  private buffer: PredictionRecord[] = [];
  /** Rows taken out of the buffer by the flush in progress (they count against bufferSize). */
  private inFlight = 0;
  private written = 0;
  private dropped = 0;
  private flushing: Promise<void> | undefined;
  private scheduled = false;
  private closed = false;
  private readonly timer: NodeJS.Timeout;
  private readonly threshold: number;
  private readonly bufferSize: number;
  private readonly flushRows: number;
  private readonly maxBatchRows: number;
  /** The last request's sampling decision: a request's rows arrive one after another. */
  private lastRequest: string | undefined;
  private lastKept = true;

  constructor(private readonly options: PredictionLoggerOptions) {
    const rate = options.sampleRate ?? 1;
    if (!(rate >= 0 && rate <= 1)) throw new RangeError(`sampleRate must be within 0..1, got ${rate}`);
    this.threshold = Math.floor(rate * 2 ** 32);
    this.bufferSize = options.bufferSize ?? 100_000;
    this.flushRows = options.flushRows ?? 5000;
    this.maxBatchRows = options.maxBatchRows ?? Infinity;
    this.timer = setInterval(() => void this.flush(), options.flushIntervalMs ?? 1000);
    // The log never keeps a process alive by itself: close() flushes at shutdown.
    this.timer.unref();
  }

  /** Takes one answered row. Synchronous and cheap: called on the request path. */
  record(record: PredictionRecord): void {
    if (this.closed || !this.kept(record.requestId)) return;
    if (this.buffer.length + this.inFlight >= this.bufferSize) {
      this.dropped++;
      return;
    }
    this.buffer.push(record);
    if (this.buffer.length >= this.flushRows && !this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        void this.drainOnce(true);
      });
    }
  }

  /** Writes what is buffered now (after the flush in progress). Never rejects. */
  async flush(): Promise<void> {
    await this.flushing;
    await this.drainOnce(false);
  }

  /** Starts a drain unless one is running (then joins it). */
  private drainOnce(wholeBatchesOnly: boolean): Promise<void> {
    this.flushing ??= this.drain(wholeBatchesOnly).finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  /** Stops taking rows and writes what is buffered (graceful shutdown). */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.flush();
  }

  counts(): PredictionLogCounts {
    return { written: this.written, dropped: this.dropped, buffered: this.buffer.length + this.inFlight };
  }

  private kept(requestId: string): boolean {
    if (this.threshold >= 2 ** 32) return true;
    if (requestId !== this.lastRequest) {
      this.lastRequest = requestId;
      this.lastKept = fnv1a(requestId) < this.threshold;
    }
    return this.lastKept;
  }

  /**
   * Writes the waiting rows in slices of maxBatchRows. A drain the buffer's size started
   * (`wholeBatchesOnly`) leaves a last partial slice waiting for more rows or the timer: the
   * store then sees one batch size (SQLite prepares a statement per size, and the odd sizes of
   * the remainders kept evicting the common one).
   */
  private async drain(wholeBatchesOnly: boolean): Promise<void> {
    for (;;) {
      const ready = wholeBatchesOnly && Number.isFinite(this.maxBatchRows) ? this.buffer.length - (this.buffer.length % this.maxBatchRows) : this.buffer.length;
      if (ready === 0) return;
      // The ready rows are taken (new ones go to a fresh buffer) and written in slices.
      const taken = ready === this.buffer.length ? this.buffer : this.buffer.slice(0, ready);
      this.buffer = ready === this.buffer.length ? [] : this.buffer.slice(ready);
      this.inFlight = taken.length;
      try {
        for (let i = 0; i < taken.length; i += this.maxBatchRows) {
          // Requests that arrived during a synchronous write are answered before the next slice.
          if (i > 0) await new Promise((resolve) => setImmediate(resolve));
          const batch = this.maxBatchRows >= taken.length ? taken : taken.slice(i, i + this.maxBatchRows);
          await this.write(batch);
          this.inFlight -= batch.length;
        }
      } finally {
        this.inFlight = 0;
      }
    }
  }

  /** Appends with retries; a batch that keeps failing is dropped and counted. */
  private async write(batch: readonly PredictionRecord[]): Promise<void> {
    const delays = this.options.retryDelaysMs ?? DEFAULT_RETRIES;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.options.store.append(batch);
        this.written += batch.length;
        return;
      } catch (err) {
        if (attempt >= delays.length) {
          this.dropped += batch.length;
          this.options.onError?.(`prediction log: dropped ${batch.length} predictions after ${attempt + 1} failed writes`, err);
          return;
        }
        this.options.onError?.(`prediction log: writing ${batch.length} predictions failed; retrying in ${delays[attempt]} ms`, err);
        await new Promise((resolve) => setTimeout(resolve, delays[attempt]));
      }
    }
  }
}

/** FNV-1a, 32 bits: a fast, well-spread hash of the request id for sampling. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
