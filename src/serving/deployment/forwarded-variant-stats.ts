/**
 * The canary analysis runs in one process, but with `paddock serve --workers N` every worker answers
 * requests. ForwardingVariantStats is the VariantStats the other workers' serving routes record
 * into: instead of keeping the outcomes, shadow comparisons and predicted labels, it queues them and
 * hands them in batches (every `flushMs`, or at once when `maxBatch` are queued) to `send`, which
 * carries them to the analysing process; there `applyVariantBatch` records them into its own
 * VariantStats. Recording never blocks a request and never waits for the other side: at most one
 * batch is in flight, and while it is, new records queue up to `maxQueued`, beyond which they are
 * dropped and counted (the next batch carries the count, so the receiver can log it).
 *
 * The receiver stamps forwarded records when they arrive (at most one flush period, 200 ms by
 * default, after they happened), so a record is never lost between two analysis intervals: it
 * counts in the interval it arrives in.
 */
import { silentLogger, type Logger } from '../../core/logging.js';
import type { ShadowRecord } from './shadow.js';
import { VariantStats, type VariantOutcome } from './variant-stats.js';

/** One batch of a worker's records for the analysing process. */
export interface VariantBatch {
  readonly outcomes: readonly VariantOutcome[];
  readonly shadows: readonly ShadowRecord[];
  /** Records the sender dropped (its queue was full) since its previous batch. */
  readonly dropped: number;
}

/** Options of ForwardingVariantStats. */
export interface ForwardingOptions {
  /** Hands a batch over; resolves once it is sent (a rejection counts the batch as dropped). */
  readonly send: (batch: VariantBatch) => Promise<void>;
  /** How long a record waits for its batch at most (default 200 ms). */
  readonly flushMs?: number;
  /** Records per batch; a full batch is sent at once (default 500). */
  readonly maxBatch?: number;
  /** Records queued beyond which new ones are dropped (default 20 000). */
  readonly maxQueued?: number;
  readonly logger?: Logger;
}

/** A VariantStats that forwards what it records instead of keeping it; see the file comment. */
export class ForwardingVariantStats extends VariantStats {
  #outcomes: VariantOutcome[] = [];
  #shadows: ShadowRecord[] = [];
  #droppedSinceBatch = 0;
  #dropped = 0;
  #timer: NodeJS.Timeout | undefined;
  #sending: Promise<void> | undefined;
  #stopped = false;
  readonly #logger: Logger;

  constructor(private readonly forwarding: ForwardingOptions) {
    super({ capacity: 1 });
    this.#logger = forwarding.logger ?? silentLogger;
  }

  /** Records dropped so far (queue over its bound, or a batch that could not be sent). */
  get dropped(): number {
    return this.#dropped;
  }

  /** Records waiting for a batch. */
  get queued(): number {
    return this.#outcomes.length + this.#shadows.length;
  }

  override record(outcome: VariantOutcome): void {
    if (this.#admit()) this.#outcomes.push(outcome);
  }

  override recordShadow(record: ShadowRecord): void {
    if (this.#admit()) this.#shadows.push(record);
  }

  /** Sends what is queued and stops forwarding (later records are dropped); resolves once sent. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#sending;
    while (this.queued > 0) await this.#send();
  }

  /** Whether a record may be queued; counts a dropped one, and schedules the next batch. */
  #admit(): boolean {
    if (this.#stopped || this.queued >= (this.forwarding.maxQueued ?? 20_000)) {
      this.#dropped++;
      this.#droppedSinceBatch++;
      return false;
    }
    this.#schedule(this.queued + 1 >= (this.forwarding.maxBatch ?? 500) ? 0 : this.forwarding.flushMs ?? 200);
    return true;
  }

  #schedule(ms: number): void {
    if (this.#sending || this.#stopped) return;
    if (this.#timer && ms > 0) return;
    clearTimeout(this.#timer);
    // Never on the request's own turn: serialising a batch is the timer's work.
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#send();
    }, ms);
    this.#timer.unref();
  }

  /** Sends one batch (up to maxBatch records); the next one is scheduled when more are queued. */
  #send(): Promise<void> {
    const max = this.forwarding.maxBatch ?? 500;
    const outcomes = this.#outcomes.splice(0, max);
    const shadows = this.#shadows.splice(0, max - outcomes.length);
    const batch: VariantBatch = { outcomes, shadows, dropped: this.#droppedSinceBatch };
    this.#droppedSinceBatch = 0;
    const sending = this.forwarding.send(batch).catch((err: unknown) => {
      const lost = outcomes.length + shadows.length;
      this.#dropped += lost;
      this.#logger.warn({ err, records: lost }, 'forwarding request outcomes to the canary analysis failed; they are dropped');
    }).finally(() => {
      this.#sending = undefined;
      if (this.queued > 0) this.#schedule(this.queued >= max ? 0 : this.forwarding.flushMs ?? 200);
    });
    this.#sending = sending;
    return sending;
  }
}

/** Records a forwarded batch into the analysing process's VariantStats (stamped now). */
export function applyVariantBatch(stats: VariantStats, batch: VariantBatch): void {
  for (const outcome of batch.outcomes) stats.record(outcome);
  for (const shadow of batch.shadows) stats.recordShadow(shadow);
}
