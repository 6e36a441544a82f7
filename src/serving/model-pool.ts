/**
 * The model server's pool of served models. Each served name follows a reference (`models:/…@alias`,
 * `models:/…/3`, a package directory); a refresh re-resolves it and, when the version moved, loads
 * and warms the new version beside the old one, switches new requests to it in one assignment, and
 * closes the old one when its last lease is released. So a hot swap never fails a request, and a
 * new version that does not load leaves the old one serving. `remove` unloads a name the same way:
 * new requests are refused at once, requests holding a lease finish, then its versions close.
 */
import { performance } from 'node:perf_hooks';
import { fail, PaddockError } from '../core/errors.js';
import { silentLogger, type Logger } from '../core/logging.js';
import { openPredictor, type ModelPackage } from '../models/index.js';
import { checkBatchingOptions, type BatchingOptions } from './batching/adaptive-batcher.js';
import type { ModelLease, PackageResolver, ServedModelInfo } from './ports.js';
import { ServedVersion } from './served-version.js';

/** Something that happened to a served model; `ms` is how long loading and warming took. */
export interface PoolEvent {
  /** batched: the batcher ran one model call over `rows` rows (batching on only). */
  readonly type: 'loaded' | 'swapped' | 'load-failed' | 'unloaded' | 'batched';
  readonly name: string;
  /** The version loaded, swapped in, failed or unloaded (absent when the ref did not resolve). */
  readonly version?: string;
  /** swapped: the version replaced. */
  readonly from?: string;
  /** load-failed: the cause; unloaded: a failure closing the predictor, if any. */
  readonly error?: unknown;
  readonly ms?: number;
  /** batched: the rows of that model call. */
  readonly rows?: number;
}

/** Options for a ModelPool. */
export interface ModelPoolOptions {
  readonly resolver: PackageResolver;
  readonly logger?: Logger;
  /** Called synchronously for each event (metrics, tests); a throwing listener is logged and ignored. */
  readonly onEvent?: (event: PoolEvent) => void;
  /** Predict the manifest's input_example once before a version is served (default true). */
  readonly warmup?: boolean;
}

/** Options for one served name (`ModelPool.add`), kept for every version it loads. */
export interface ServeModelOptions {
  /** Run concurrent requests that arrive together as one model call (off when absent). */
  readonly batching?: BatchingOptions;
}

/** A version switch done by a refresh; `from` is absent when the model had no version serving. */
export interface PoolChange {
  readonly name: string;
  readonly from?: string;
  readonly to: string;
}

/** Where a served name stands, ready or not (what `list` and health endpoints show). */
export interface ServedModelStatus {
  readonly name: string;
  readonly ref: string;
  readonly state: 'loading' | 'ready' | 'failed' | 'closed';
  readonly ready: boolean;
  /** The version serving new requests; when none is, the version the failed load resolved to, if any. */
  readonly version?: string;
  /** The last failed load's message until a later load succeeds; a ready model keeps serving its version meanwhile. */
  readonly error?: string;
  /** The serving version's info, when there is one. */
  readonly info?: ServedModelInfo;
}

interface Slot {
  readonly name: string;
  readonly ref: string;
  readonly options: ServeModelOptions;
  /** The version new leases go to; replaced by a single assignment on a swap. */
  current?: ServedVersion;
  /** Versions served and not yet closed: the current one and replaced ones draining their leases. */
  readonly versions: Set<ServedVersion>;
  failure?: { readonly error: unknown; readonly version?: string };
  loading?: Promise<PoolChange | undefined>;
  /** One more load, queued behind `loading`, shared by every refresh asked for meanwhile. */
  queued?: Promise<PoolChange | undefined>;
  /** Set by `remove`: the name is no longer served, a load that finishes is closed at once. */
  removed?: boolean;
  /** Wakes `remove` once the last version of a removed slot has closed. */
  onEmpty?: () => void;
}

const DEFAULT_CLOSE_TIMEOUT_MS = 10_000;

/** Loads, serves, hot-swaps and closes model versions; see the file comment. */
export class ModelPool {
  readonly #slots = new Map<string, Slot>();
  /** Removed slots whose versions still drain their leases (closed by `close` too). */
  readonly #removed = new Set<Slot>();
  readonly #loads = new Set<Promise<unknown>>();
  readonly #watchers = new Set<NodeJS.Timeout>();
  readonly #idleWaiters: (() => void)[] = [];
  readonly #logger: Logger;
  #openLeases = 0;
  #closed = false;

  constructor(private readonly options: ModelPoolOptions) {
    this.#logger = options.logger ?? silentLogger;
  }

  /**
   * Serves `ref` under `name`; resolves with its info once loaded and warmed. On failure it rejects
   * with the cause, and the name stays served: leases answer MODEL_NOT_READY with that cause until
   * a refresh loads it. `options.batching` turns on adaptive batching for every version it serves.
   */
  async add(name: string, ref: string, options: ServeModelOptions = {}): Promise<ServedModelInfo> {
    this.#checkOpen();
    if (!name || /[/\s]/.test(name)) fail('INVALID_ARGUMENT', `model name '${name}' cannot be used in a URL: give a non-empty name without '/' or spaces`, { model: name });
    if (this.#slots.has(name)) fail('ALREADY_EXISTS', `model '${name}' is already served (from ${this.#slots.get(name)!.ref}); pick another name`, { model: name });
    if (options.batching) checkBatchingOptions(options.batching);
    const slot: Slot = { name, ref, options, versions: new Set() };
    this.#slots.set(name, slot);
    await this.#reload(slot);
    if (slot.current) return slot.current.info;
    throw slot.failure?.error ?? notReady(slot, this.#closed);
  }

  /** Every served name with where it stands, in the order added. */
  list(): ServedModelStatus[] {
    return [...this.#slots.values()].map((slot) => this.#status(slot));
  }

  /** One served name's status; NOT_FOUND naming the served ones. */
  status(name: string): ServedModelStatus {
    return this.#status(this.#slot(name));
  }

  /** The serving version's info; NOT_FOUND for an unknown name, MODEL_NOT_READY (with the cause) when none is serving. */
  info(name: string): ServedModelInfo {
    const slot = this.#slot(name);
    if (!slot.current || this.#closed) throw notReady(slot, this.#closed);
    return slot.current.info;
  }

  /**
   * Borrows the serving version (or `version`, which must be the serving one: a replaced version
   * takes no new requests, so it drains and closes). NOT_FOUND for an unknown name or version;
   * MODEL_NOT_READY while loading, after a failed load (with its cause) and after close.
   */
  lease(name: string, version?: string): ModelLease {
    if (this.#closed) throw notReady(undefined, true);
    const slot = this.#slot(name);
    const current = slot.current;
    if (!current) throw notReady(slot, false);
    if (version !== undefined && version !== current.info.version) {
      fail('NOT_FOUND', `model '${name}' has no version '${version}' loaded: it serves version ${current.info.version}`, { model: name, version, serving: current.info.version });
    }
    return current.lease();
  }

  /**
   * Re-resolves the refs of every served name (or one) and swaps in versions that moved; resolves
   * with the switches made. A failed load keeps the old version serving and is reported by a
   * load-failed event, the log and `status().error`, not by rejecting. Concurrent refreshes of a
   * name share work: at most one load runs and one more is queued behind it, so a refresh always
   * sees a resolve that started after it was asked.
   */
  async refresh(name?: string): Promise<PoolChange[]> {
    this.#checkOpen();
    const slots = name === undefined ? [...this.#slots.values()] : [this.#slot(name)];
    const changes = await Promise.all(slots.map((slot) => this.#reload(slot)));
    return changes.filter((c): c is PoolChange => c !== undefined);
  }

  /** Refreshes every `ms` milliseconds until the returned stop function is called or the pool closes. */
  watch(ms: number): () => void {
    this.#checkOpen();
    if (!(ms > 0)) fail('INVALID_ARGUMENT', `watch interval must be a positive number of milliseconds, got ${ms}`, { ms });
    const timer = setInterval(() => {
      this.refresh().catch((err: unknown) => this.#logger.warn({ err }, 'model refresh failed'));
    }, ms);
    timer.unref();
    this.#watchers.add(timer);
    return () => {
      clearInterval(timer);
      this.#watchers.delete(timer);
    };
  }

  /**
   * Stops serving `name`: from now on leases of it are NOT_FOUND (it is no longer listed, and can be
   * added again at once), a load in progress is discarded when it ends, and each loaded version
   * closes once its open leases are released, so requests already holding one finish on it.
   * Resolves when every version of it has closed; NOT_FOUND for a name not served.
   */
  async remove(name: string): Promise<void> {
    const slot = this.#slot(name);
    this.#slots.delete(name);
    slot.removed = true;
    slot.current = undefined;
    this.#removed.add(slot);
    // A load finishing later sees `removed` and closes what it opened; it is never served.
    await Promise.all([slot.loading, slot.queued]);
    const drained = new Promise<void>((resolve) => (slot.onEmpty = resolve));
    const versions = [...slot.versions];
    for (const v of versions) v.retire();
    if (slot.versions.size > 0) await drained;
    this.#removed.delete(slot);
    this.#logger.info({ model: name, versions: versions.map((v) => v.info.version) }, 'model removed');
  }

  /**
   * Stops taking requests (leases answer MODEL_NOT_READY "server is shutting down"), waits up to
   * `timeoutMs` for open leases and loads in progress, then closes every predictor.
   */
  async close(timeoutMs = DEFAULT_CLOSE_TIMEOUT_MS): Promise<void> {
    this.#closed = true;
    for (const timer of this.#watchers) clearInterval(timer);
    this.#watchers.clear();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([deadline, Promise.all([this.#idle(), ...this.#loads])]);
    clearTimeout(timer);
    if (this.#openLeases > 0) this.#logger.warn({ leases: this.#openLeases, timeoutMs }, 'closing models with requests still in flight');
    const versions = [...this.#slots.values(), ...this.#removed].flatMap((slot) => [...slot.versions]);
    await Promise.all(versions.map((v) => v.close()));
  }

  #checkOpen(): void {
    if (this.#closed) throw notReady(undefined, true);
  }

  #slot(name: string): Slot {
    const slot = this.#slots.get(name);
    if (slot) return slot;
    const served = [...this.#slots.keys()];
    return fail('NOT_FOUND', `no model named '${name}' is served (${served.length > 0 ? `served: ${served.join(', ')}` : 'no models are served'})`, { model: name, served });
  }

  #status(slot: Slot): ServedModelStatus {
    const current = slot.current;
    const state = this.#closed ? 'closed' : current ? 'ready' : slot.loading ? 'loading' : 'failed';
    const error = slot.failure ? messageOf(slot.failure.error) : undefined;
    return {
      name: slot.name,
      ref: slot.ref,
      state,
      ready: state === 'ready',
      version: current?.info.version ?? slot.failure?.version,
      ...(error !== undefined && { error }),
      ...(current && { info: current.info }),
    };
  }

  /** Starts a load, or queues one behind the load in progress (shared by all who ask meanwhile). */
  #reload(slot: Slot): Promise<PoolChange | undefined> {
    if (!slot.loading) {
      const run = this.#load(slot).finally(() => {
        slot.loading = undefined;
        this.#loads.delete(run);
      });
      this.#loads.add(run);
      slot.loading = run;
      return run;
    }
    slot.queued ??= slot.loading.then(() => {
      slot.queued = undefined;
      return this.#closed || slot.removed ? undefined : this.#reload(slot);
    });
    return slot.queued;
  }

  /** Resolves the ref; when its version differs from the serving one, loads, warms and swaps it in. Never rejects. */
  async #load(slot: Slot): Promise<PoolChange | undefined> {
    const started = performance.now();
    let version: string | undefined;
    let next: ServedVersion | undefined;
    try {
      const resolved = await this.options.resolver.resolve(slot.ref);
      version = resolved.version ?? '1';
      if (slot.current?.info.version === version) {
        slot.failure = undefined;
        return undefined;
      }
      next = await this.#open(slot, resolved.pkg, version);
    } catch (err) {
      slot.failure = { error: err, version };
      this.#emit({ type: 'load-failed', name: slot.name, ...(version !== undefined && { version }), error: err, ms: elapsed(started) });
      this.#logger.warn({ err, model: slot.name, ref: slot.ref, version, serving: slot.current?.info.version }, slot.current ? 'new model version failed to load; the old one keeps serving' : 'model failed to load');
      return undefined;
    }
    if (this.#closed || slot.removed) {
      await next.close();
      return undefined;
    }
    return this.#swap(slot, next, elapsed(started));
  }

  /** Opens the predictor and runs the input example through it; a version that cannot is closed again. */
  async #open(slot: Slot, pkg: ModelPackage, version: string): Promise<ServedVersion> {
    const predictor = await openPredictor(pkg);
    const info: ServedModelInfo = { name: slot.name, ref: slot.ref, version, ready: true, manifest: pkg.manifest, loadedAt: Date.now() };
    const served = new ServedVersion(info, predictor, {
      acquired: () => this.#openLeases++,
      released: () => this.#released(),
      closed: (v, err) => this.#closedVersion(slot, v, err),
      batched: (rows) => this.#emit({ type: 'batched', name: slot.name, version, rows }),
      threadFailed: (err) => this.#logger.warn({ err, model: slot.name, version }, 'the predictor thread did not start: shadow predictions run on the serving thread'),
    }, slot.options.batching);
    const example = pkg.manifest.input_example;
    if (this.options.warmup === false || !example || example.length === 0) return served;
    try {
      await served.warm(example);
    } catch (err) {
      await served.close();
      throw new PaddockError('INVALID_ARGUMENT', `${pkg.dir}: the model cannot predict its own input_example: ${messageOf(err)}`, { model: slot.name, version, path: pkg.dir }, { cause: err });
    }
    return served;
  }

  /** Switches new leases to `next` in one assignment; the replaced version closes once drained. */
  #swap(slot: Slot, next: ServedVersion, ms: number): PoolChange {
    const previous = slot.current;
    slot.versions.add(next);
    slot.current = next;
    slot.failure = undefined;
    previous?.retire();
    const to = next.info.version;
    if (previous) {
      const from = previous.info.version;
      this.#emit({ type: 'swapped', name: slot.name, version: to, from, ms });
      this.#logger.info({ model: slot.name, from, to, ms }, 'model version swapped');
      return { name: slot.name, from, to };
    }
    this.#emit({ type: 'loaded', name: slot.name, version: to, ms });
    this.#logger.info({ model: slot.name, version: to, ms }, 'model loaded');
    return { name: slot.name, to };
  }

  #closedVersion(slot: Slot, version: ServedVersion, error: unknown): void {
    // A version closed before it was ever served (its warm-up failed) is no event.
    if (!slot.versions.delete(version)) return;
    if (error !== undefined) this.#logger.error({ err: error, model: slot.name, version: version.info.version }, 'closing a model version failed');
    this.#emit({ type: 'unloaded', name: slot.name, version: version.info.version, ...(error !== undefined && { error }) });
    if (slot.removed && slot.versions.size === 0) slot.onEmpty?.();
  }

  #released(): void {
    this.#openLeases--;
    if (this.#openLeases === 0) this.#idleWaiters.splice(0).forEach((wake) => wake());
  }

  #idle(): Promise<void> {
    return this.#openLeases === 0 ? Promise.resolve() : new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #emit(event: PoolEvent): void {
    try {
      this.options.onEvent?.(event);
    } catch (err) {
      this.#logger.error({ err, event: event.type }, 'model pool event listener failed');
    }
  }
}

function notReady(slot: Slot | undefined, closed: boolean): PaddockError {
  if (closed || !slot) return new PaddockError('MODEL_NOT_READY', 'the server is shutting down and takes no new requests', { ...(slot && { model: slot.name }) });
  const details = { model: slot.name, ref: slot.ref, ...(slot.failure?.version !== undefined && { version: slot.failure.version }) };
  if (!slot.failure) return new PaddockError('MODEL_NOT_READY', `model '${slot.name}' is still loading (from ${slot.ref}); retry shortly`, details);
  const cause = slot.failure.error;
  return new PaddockError('MODEL_NOT_READY', `model '${slot.name}' is not ready: loading ${slot.ref} failed: ${messageOf(cause)}`, details, { cause });
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}
