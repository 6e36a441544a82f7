import type { Metric } from '../tracking/index.js';

/** When a MetricBuffer writes. */
export interface MetricBufferOptions {
  /** Points per store call (MLflow's servers accept 1000 metrics per log-batch). */
  readonly batchSize: number;
  /** A write starts at the latest this long after a point was added. */
  readonly flushIntervalMs: number;
  /** A write starts as soon as this many points wait (on the next turn of the event loop). */
  readonly flushThreshold: number;
}

/**
 * Metric points on their way to the store. `add` only appends to an array, so a training loop
 * never waits for I/O; writes happen in the background, one at a time and in order, when the
 * threshold is reached or the timer fires. A failed write is kept and thrown by the next
 * `flush()` (run.end() flushes), since there is no caller to throw to at the time.
 */
export class MetricBuffer {
  private pending: Metric[] = [];
  private writing: Promise<void> | undefined;
  private scheduled = false;
  private timer: NodeJS.Timeout | undefined;
  private failure: unknown;
  private written = 0;

  constructor(
    private readonly write: (points: readonly Metric[]) => Promise<void>,
    private readonly options: MetricBufferOptions,
  ) {}

  /** Points stored so far (for progress and tests). */
  get writtenCount(): number {
    return this.written;
  }

  /** Queues one point; never does I/O. */
  add(point: Metric): void {
    this.pending.push(point);
    if (this.pending.length >= this.options.flushThreshold) this.schedule();
    else if (!this.timer) {
      // unref: a pending flush never keeps the process alive; the exit hook ends the run.
      this.timer = setTimeout(() => this.schedule(), this.options.flushIntervalMs).unref();
    }
  }

  /** Writes everything queued so far; throws the first background failure, if any. */
  async flush(): Promise<void> {
    this.clearTimer();
    while (this.writing || this.pending.length > 0) {
      if (!this.writing) this.writing = this.drain();
      await this.writing;
    }
    if (this.failure !== undefined) {
      const err = this.failure;
      this.failure = undefined;
      throw err;
    }
  }

  private schedule(): void {
    this.clearTimer();
    if (this.scheduled || this.writing) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (!this.writing) this.writing = this.drain();
    });
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        // Take the whole queue at once: new points go to a fresh array while this one is written.
        const taken = this.pending;
        this.pending = [];
        for (let i = 0; i < taken.length; i += this.options.batchSize) {
          const batch = taken.length <= this.options.batchSize ? taken : taken.slice(i, i + this.options.batchSize);
          try {
            await this.write(batch);
            this.written += batch.length;
          } catch (err) {
            // Keep the first failure for flush(); later points still get their chance.
            if (this.failure === undefined) this.failure = err;
          }
        }
      }
    } finally {
      this.writing = undefined;
    }
  }
}
