/**
 * Runs a deployment's shadow predictions off the serving thread, in batches. Mirrored requests
 * gather for a few ms (gatherMs), then join their mirror version's lane. A lane runs one model
 * call at a time on the version's predictor thread; requests mirrored while its call runs wait
 * and go together as the next call. So a heavy mirror or a busy server makes more rows per call,
 * not more calls piling up behind each other, and the predictor thread wakes once per batch.
 *
 * Every mirror runs on the predictor thread, tree models included: their JavaScript evaluator
 * answers a row in a few µs, but on the serving thread those µs came straight out of the
 * primary's latency (a retrained gbdt mirror added 9–18% to the median p50 at half load, against
 * 4% from the thread, in alternating rounds on one two-core machine; throughput the same).
 * Gathering for 5 ms instead of one I/O turn cut the process's CPU per request by 4–19% (four
 * pairs of runs).
 */
import { performance } from 'node:perf_hooks';
import type { Logger } from '../../core/logging.js';
import type { InputRow, PredictionRow } from '../../models/index.js';
import type { ModelPool } from '../model-pool.js';
import type { ModelLease, ServedModelInfo } from '../ports.js';
import { comparedRecord, comparePredictions, type ShadowAnswer, type ShadowRecord } from './shadow.js';

/** The primary answer a shadow is compared with. */
export interface PrimaryAnswer {
  readonly version: string;
  readonly predictions: readonly PredictionRow[];
  /** The request id, copied to the shadow record. */
  readonly correlationId: string;
}

/** A mirrored request: which deployment's version predicts on its rows. */
export interface MirroredRequest {
  readonly name: string;
  readonly model: string;
  readonly version: string;
  /** The pool name of the mirror version. */
  readonly poolName: string;
  readonly rows: readonly InputRow[];
  readonly primary: PrimaryAnswer;
}

/** What a ShadowRunner is built from. */
export interface ShadowRunnerOptions {
  readonly pool: ModelPool;
  readonly logger: Logger;
  /** Regression: the largest |Δ| still counted as agreement. */
  readonly regressionTolerance: number;
  /** Mirrored requests accepted and not yet compared beyond which new ones are skipped. */
  readonly maxPending: number;
  /** The primary version's manifest (what its predictions mean), if it is still loaded. */
  readonly manifestOf: (name: string, version: string) => ServedModelInfo['manifest'] | undefined;
  /** How long mirrored requests gather before they go to their lanes (0: until the end of the I/O turn). */
  readonly gatherMs: number;
  /** Told every comparison, with the shadow's answer when it answered. */
  readonly emit: (record: ShadowRecord, answer?: ShadowAnswer) => void;
}

/** One mirror version's requests: those waiting for its next call, and whether a call runs. */
interface Lane {
  readonly poolName: string;
  waiting: MirroredRequest[];
  running: boolean;
}

/** Batches and runs shadow predictions; see the file comment. */
export class ShadowRunner {
  /** Mirrored requests gathering, handed to their lanes once gathered. */
  #gathering: MirroredRequest[] = [];
  /** Requests accepted and not yet compared. */
  #pending = 0;
  readonly #lanes = new Map<string, Lane>();
  readonly #tasks = new Set<Promise<void>>();

  constructor(private readonly options: ShadowRunnerOptions) {}

  /** Requests accepted and not yet compared. */
  get pending(): number {
    return this.#pending;
  }

  /** Takes a mirrored request; false (and nothing runs) when maxPending are already waiting. */
  add(request: MirroredRequest): boolean {
    if (this.#pending >= this.options.maxPending) return false;
    this.#pending++;
    this.#gathering.push(request);
    if (this.#gathering.length === 1) this.#track(this.#gathered().then(() => this.#handOver()));
    return true;
  }

  /** True while requests gather or a lane has work. */
  get busy(): boolean {
    return this.#tasks.size > 0;
  }

  /** Resolves once every accepted request has been compared. */
  async idle(): Promise<void> {
    while (this.#tasks.size > 0) await Promise.allSettled([...this.#tasks]);
  }

  /** Resolves when the requests mirrored from now on have gathered: after gatherMs, or at the end of this I/O turn. */
  #gathered(): Promise<void> {
    const ms = this.options.gatherMs;
    return new Promise<void>((resolve) => (ms > 0 ? setTimeout(resolve, ms) : setImmediate(resolve)));
  }

  #track(task: Promise<void>): void {
    const tracked = task
      .catch((err: unknown) => this.options.logger.error({ err }, 'shadow failed'))
      .finally(() => this.#tasks.delete(tracked));
    this.#tasks.add(tracked);
  }

  /** Hands the gathered requests to their lanes and starts the lanes that are not running. */
  #handOver(): void {
    const gathered = this.#gathering;
    this.#gathering = [];
    const started = new Set<Lane>();
    for (const request of gathered) {
      let lane = this.#lanes.get(request.poolName);
      if (lane === undefined) {
        lane = { poolName: request.poolName, waiting: [], running: false };
        this.#lanes.set(request.poolName, lane);
      }
      lane.waiting.push(request);
      if (!lane.running) started.add(lane);
    }
    for (const lane of started) this.#track(this.#runLane(lane));
  }

  /** One call at a time for the lane, each over everything that waited for it. */
  async #runLane(lane: Lane): Promise<void> {
    lane.running = true;
    try {
      while (lane.waiting.length > 0) {
        const batch = lane.waiting;
        lane.waiting = [];
        try {
          await this.#run(batch);
        } catch (err) {
          // A comparison or listener that threw: this batch's records are lost, the lane goes on.
          this.options.logger.error({ err, deployment: batch[0]!.name, version: batch[0]!.version }, 'shadow comparison failed');
        } finally {
          this.#pending -= batch.length;
        }
      }
    } finally {
      lane.running = false;
      // Versions come and go with their deployments' policies: an idle lane is not kept.
      if (lane.waiting.length === 0) this.#lanes.delete(lane.poolName);
    }
  }

  /** One model call over the batch's rows, then each request compared with its own primary answer. */
  async #run(batch: readonly MirroredRequest[]): Promise<void> {
    const { name, model, version, poolName } = batch[0]!;
    const { pool, logger } = this.options;
    const started = performance.now();
    let lease: ModelLease | undefined;
    let outcome: { perRequest: readonly (readonly PredictionRow[])[] } | { error: string };
    try {
      lease = pool.lease(poolName);
      const rows = batch.length === 1 ? batch[0]!.rows : batch.flatMap((q) => q.rows);
      outcome = { perRequest: splitByRequest(await predictOffThread(lease, rows), batch) };
    } catch (err) {
      logger.warn({ err, deployment: name, version, requests: batch.length }, 'shadow prediction failed');
      outcome = { error: err instanceof Error ? err.message : String(err) };
    } finally {
      lease?.release();
    }
    const ms = Math.round((performance.now() - started) * 1000) / 1000;
    const at = Date.now();
    // A batch's primaries are nearly always one version: its manifest is looked up once.
    let manifestFor: { readonly version: string; readonly manifest: ServedModelInfo['manifest'] } | undefined;
    for (let q = 0; q < batch.length; q++) {
      const { rows, primary } = batch[q]!;
      const base = { deployment: name, model, correlationId: primary.correlationId, primaryVersion: primary.version, shadowVersion: version, rows: rows.length, ms, at };
      if ('error' in outcome) {
        this.options.emit({ ...base, outcome: 'error', error: outcome.error });
        continue;
      }
      if (manifestFor?.version !== primary.version) manifestFor = { version: primary.version, manifest: this.options.manifestOf(name, primary.version) ?? lease!.info.manifest };
      const predictions = outcome.perRequest[q]!;
      this.options.emit(comparedRecord(base, comparePredictions(manifestFor.manifest, primary.predictions, predictions, this.options.regressionTolerance)), { predictions });
    }
  }
}

/**
 * On the version's predictor thread where it has one (a second copy of the model, opened on the
 * first shadow), so a mirror never runs on the serving thread: onnxruntime's run is synchronous
 * there (mirroring a 1.1M-parameter MLP from the 300k one cost the primary 28–30% of its
 * throughput on the serving thread, 6–15% from the predictor thread).
 */
function predictOffThread(lease: ModelLease, rows: readonly InputRow[]): Promise<PredictionRow[]> {
  return lease.predictOffThread ? lease.predictOffThread(rows) : lease.predict(rows);
}

/** One model run's predictions over the batch's rows, back into each request's share. */
function splitByRequest(predictions: readonly PredictionRow[], batch: readonly MirroredRequest[]): (readonly PredictionRow[])[] {
  if (batch.length === 1) return [predictions];
  let at = 0;
  return batch.map(({ rows }) => predictions.slice(at, (at += rows.length)));
}
