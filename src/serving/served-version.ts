/**
 * One loaded version of a served model: its predictor and the leases open on it. A version is
 * closed only when it has been retired (replaced, or the pool is shutting down) and its last lease
 * is released, so a request in flight always finishes on the model it started with.
 */
import { fail } from '../core/errors.js';
import { checkRows, openPredictorThread, type InputRow, type PredictionRow, type Predictor } from '../models/index.js';
import { AdaptiveBatcher, type BatchingOptions } from './batching/adaptive-batcher.js';
import type { ModelLease, ServedModelInfo } from './ports.js';

/** What a version tells its pool: leases opening and closing (for shutdown), and its own close. */
export interface ServedVersionHooks {
  acquired(): void;
  released(): void;
  closed(version: ServedVersion, error?: unknown): void;
  /** Batching on: the batcher is about to run one model call over `rows` rows. */
  batched?(rows: number): void;
  /** The version's predictor thread could not start: its off-thread predictions run on this thread instead. */
  threadFailed?(error: unknown): void;
}

/** A loaded model version with lease counting; see the file comment. */
export class ServedVersion {
  #leases = 0;
  #retired = false;
  #closing: Promise<void> | undefined;
  /** Present when batching is on: leases predict through it, so concurrent requests share model calls. */
  readonly #batcher: AdaptiveBatcher | undefined;
  /** The predictor thread, opened by the first off-thread prediction (the predictor itself if it could not start). */
  #thread: Promise<Predictor> | undefined;

  constructor(
    readonly info: ServedModelInfo,
    private readonly predictor: Predictor,
    private readonly hooks: ServedVersionHooks,
    batching?: BatchingOptions,
  ) {
    const manifest = predictor.pkg.manifest;
    const run = (rows: readonly InputRow[]): Promise<PredictionRow[]> => {
      hooks.batched?.(rows.length);
      return predictor.predict(rows);
    };
    this.#batcher = batching && new AdaptiveBatcher({ run, validate: (rows) => checkRows(manifest, rows) }, batching);
  }

  /** Model calls the batcher made (undefined when batching is off). */
  get batchedCalls(): number | undefined {
    return this.#batcher?.calls;
  }

  /** Leases open on this version now. */
  get leases(): number {
    return this.#leases;
  }

  /** True once the version takes no new leases (replaced or shutting down). */
  get retired(): boolean {
    return this.#retired;
  }

  /** True once closing has started. */
  get closed(): boolean {
    return this.#closing !== undefined;
  }

  /** Runs the predictor outside any lease: the warm-up before the version is served. */
  warm(rows: readonly InputRow[]): Promise<PredictionRow[]> {
    return this.predictor.predict(rows);
  }

  /** Borrows the version for one request; `release` exactly once (later calls are ignored). */
  lease(): ModelLease {
    if (this.#retired) fail('INVALID_STATE', `model '${this.info.name}' version ${this.info.version} is being unloaded and takes no new requests`, { model: this.info.name, version: this.info.version });
    this.#leases++;
    this.hooks.acquired();
    return new VersionLease(this);
  }

  /** What a lease runs: through the batcher when batching is on. */
  predictLeased(rows: readonly InputRow[]): Promise<PredictionRow[]> {
    return this.#batcher ? this.#batcher.predict(rows) : this.predictor.predict(rows);
  }

  /**
   * What a lease predicts off this thread: on the version's predictor thread, a second copy of the
   * model opened on first use. Shadows run there, so a mirrored model never holds the serving
   * thread. A thread that cannot start is reported once, and its predictions run here.
   */
  predictLeasedOffThread(rows: readonly InputRow[]): Promise<PredictionRow[]> {
    // A closing version opens no thread that nothing would close.
    if (this.#thread === undefined && this.#closing) return this.predictor.predict(rows);
    this.#thread ??= openPredictorThread(this.predictor.pkg).catch((err: unknown) => {
      this.hooks.threadFailed?.(err);
      return this.predictor;
    });
    return this.#thread.then((predictor) => predictor.predict(rows));
  }

  /** A lease's synchronous answer, when the predictor has one and no batcher collects rows. */
  predictLeasedNow(rows: readonly InputRow[]): PredictionRow[] | undefined {
    return this.#batcher ? undefined : this.predictor.predictNow?.(rows);
  }

  /** A lease ended. */
  released(): void {
    this.#leases--;
    this.hooks.released();
    if (this.#retired && this.#leases === 0) void this.close();
  }

  /** Takes no new leases from now on; closes as soon as the open ones are released. */
  retire(): void {
    this.#retired = true;
    if (this.#leases === 0) void this.close();
  }

  /**
   * Closes the predictor now, whatever leases are open (shutdown after its grace period); once.
   * Never rejects: a failing close is reported to the pool, which logs it.
   */
  close(): Promise<void> {
    this.#retired = true;
    // Requests still waiting for a batch run now, and no batching timer outlives the version.
    this.#batcher?.close();
    this.#closing ??= Promise.all([this.predictor.close(), this.#closeThread()]).then(
      () => this.hooks.closed(this),
      (err: unknown) => this.hooks.closed(this, err),
    );
    return this.#closing;
  }

  async #closeThread(): Promise<void> {
    const thread = await this.#thread;
    if (thread !== undefined && thread !== this.predictor) await thread.close();
  }
}

/** One request's hold on a version (a class, not closures: one is made per request). */
class VersionLease implements ModelLease {
  #open = true;

  constructor(private readonly version: ServedVersion) {}

  get info(): ServedModelInfo {
    return this.version.info;
  }

  predict(rows: readonly InputRow[]): Promise<PredictionRow[]> {
    this.#checkOpen();
    return this.version.predictLeased(rows);
  }

  predictNow(rows: readonly InputRow[]): PredictionRow[] | undefined {
    this.#checkOpen();
    return this.version.predictLeasedNow(rows);
  }

  predictOffThread(rows: readonly InputRow[]): Promise<PredictionRow[]> {
    this.#checkOpen();
    return this.version.predictLeasedOffThread(rows);
  }

  release(): void {
    if (!this.#open) return;
    this.#open = false;
    this.version.released();
  }

  #checkOpen(): void {
    const { info } = this.version;
    if (!this.#open) fail('INVALID_STATE', `the lease on model '${info.name}' version ${info.version} was already released; lease the model again`, { model: info.name, version: info.version });
  }
}
