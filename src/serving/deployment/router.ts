/**
 * The traffic router of deployments. A deployment's versions are served by the model pool under
 * internal names (`${deployment}@v${version}`, pinned refs such as `models:/m/3`); applying a
 * policy loads and warms every version it names first, then switches the policy in one
 * assignment, so a request never meets a version still loading. A version no policy names any
 * more (rolled back, replaced by a promotion, its deployment removed) is unloaded from the pool
 * after a grace period (30 s by default), so a policy flapping back and forth does not reload it
 * each time; requests holding a lease on it finish first (ModelPool.remove).
 */
import { fail, PaddockError } from '../../core/errors.js';
import { silentLogger, type Logger } from '../../core/logging.js';
import type { InputRow, PredictionRow } from '../../models/index.js';
import type { ModelPool } from '../model-pool.js';
import type { ModelLease, ServedModelInfo } from '../ports.js';
import type { TrafficPolicy } from './deployment.js';
import { chooseVariant, policyVersions, stickyBucket, stickyKey, type RoutableRequest } from './router-buckets.js';
import type { ShadowAnswer, ShadowRecord } from './shadow.js';
import { ShadowRunner, type PrimaryAnswer } from './shadow-runner.js';

export type { PrimaryAnswer } from './shadow-runner.js';

/** Told each shadow comparison, and what the shadow answered when it answered (not on an error). */
export type ShadowListener = (record: ShadowRecord, answer?: ShadowAnswer) => void;

/** What the router is built from. */
export interface DeploymentRouterOptions {
  readonly pool: ModelPool;
  /** The pinned reference of one version of a registered model, e.g. `models:/m/3`. */
  readonly refFor: (model: string, version: string) => string;
  /** Called with every shadow comparison (tests), and the shadow's answer when it answered; a throwing listener is logged. */
  readonly onShadow?: ShadowListener;
  readonly logger?: Logger;
  /** Uniform [0, 1): buckets of non-sticky requests and the mirror sample (default Math.random). */
  readonly random?: () => number;
  /** Regression: the largest |Δ| still counted as agreement (default 1e-6). */
  readonly regressionTolerance?: number;
  /** Mirrored requests waiting or running beyond which new ones are skipped, so shadows never pile up (default 256). */
  readonly maxPendingShadows?: number;
  /** How long mirrored requests gather before their shadow call (default 5 ms; 0: the I/O turn's). */
  readonly shadowGatherMs?: number;
  /** How long a version no policy names stays loaded before it is unloaded (default 30 000 ms). */
  readonly unloadGraceMs?: number;
  /** Runs `run` after `ms` milliseconds and returns its cancel function (default an unref'd setTimeout; tests fire it themselves). */
  readonly schedule?: (run: () => void, ms: number) => () => void;
  /** Called when a version no policy names was unloaded (the server prints it). */
  readonly onUnloaded?: (deployment: string, version: string) => void;
}

/** What `apply` takes: the parts of a Deployment the router needs. */
export interface RoutedDeployment {
  readonly name: string;
  readonly model: string;
  readonly policy: TrafficPolicy;
}

/** A routed request: which slot answers, its version, and the lease to predict with (release it once). */
export interface RouteResult {
  readonly variant: 'stable' | 'canary';
  readonly version: string;
  /** Its info names the deployment (not the internal pool name) and the version that answers. */
  readonly lease: ModelLease;
}

interface Route {
  readonly model: string;
  readonly policy: TrafficPolicy;
  /** The mirror version's pool name (worked out once, not per mirrored request). */
  readonly mirrorPoolName?: string;
}

const DEFAULT_UNLOAD_GRACE_MS = 30_000;
const DEFAULT_SHADOW_GATHER_MS = 5;

function scheduleTimeout(run: () => void, ms: number): () => void {
  const timer = setTimeout(run, ms);
  timer.unref();
  return () => clearTimeout(timer);
}

/** The pool name a deployment's version is served under. */
export function internalName(deployment: string, version: string): string {
  return `${deployment}@v${version}`;
}

/** Routes requests of deployments to versions by their traffic policy; see the file comment. */
export class DeploymentRouter {
  readonly #routes = new Map<string, Route>();
  readonly #applying = new Map<string, Promise<void>>();
  readonly #shadows: ShadowRunner;
  /** Per deployment, the versions this router loaded into the pool and has not unloaded. */
  readonly #loaded = new Map<string, Set<string>>();
  /** Unloads waiting for their grace period, by pool name: their cancel functions. */
  readonly #unloadTimers = new Map<string, () => void>();
  /** Pool removals running (each waits for the leases on its version). */
  readonly #unloading = new Set<Promise<void>>();
  readonly #listeners = new Set<ShadowListener>();
  /** Each internal version's info under its deployment's name (see #lease). */
  readonly #renamed = new WeakMap<ServedModelInfo, ServedModelInfo>();
  readonly #logger: Logger;
  readonly #random: () => number;

  constructor(private readonly options: DeploymentRouterOptions) {
    this.#logger = options.logger ?? silentLogger;
    this.#random = options.random ?? Math.random;
    if (options.onShadow) this.#listeners.add(options.onShadow);
    this.#shadows = new ShadowRunner({
      pool: options.pool,
      logger: this.#logger,
      regressionTolerance: options.regressionTolerance ?? 1e-6,
      maxPending: options.maxPendingShadows ?? 256,
      gatherMs: options.shadowGatherMs ?? DEFAULT_SHADOW_GATHER_MS,
      manifestOf: (name, version) => this.#manifestOf(name, version),
      emit: (record, answer) => this.#emitShadow(record, answer),
    });
  }

  /**
   * Loads and warms every version `deployment.policy` names, then routes by it. Rejects (the old
   * policy, if any, keeps routing) when a version fails to load. Applies of one deployment run one
   * after the other, in the order called.
   */
  async apply(deployment: RoutedDeployment): Promise<void> {
    checkDeployment(deployment);
    const previous = this.#applying.get(deployment.name) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(() => this.#apply(deployment));
    this.#applying.set(deployment.name, run);
    try {
      await run;
    } finally {
      if (this.#applying.get(deployment.name) === run) this.#applying.delete(deployment.name);
    }
  }

  /** Stops routing `name` (its versions are unloaded after the grace period); false when it was not routed. */
  remove(name: string): boolean {
    const removed = this.#routes.delete(name);
    this.#scheduleUnused(name);
    return removed;
  }

  /** Whether `name` is a deployment this router routes. */
  has(name: string): boolean {
    return this.#routes.has(name);
  }

  /** The routed deployments with their policies, in the order first applied. */
  list(): RoutedDeployment[] {
    return [...this.#routes].map(([name, r]) => ({ name, model: r.model, policy: r.policy }));
  }

  /** Whether a pool name is one of the router's internal names (hidden from model lists). */
  isInternal(poolName: string): boolean {
    const at = poolName.lastIndexOf('@v');
    const deployment = poolName.slice(0, at);
    return at > 0 && (this.#routes.has(deployment) || this.#loaded.has(deployment));
  }

  /** A routed version's info (default: stable) under the deployment's name (metadata, readiness). */
  info(name: string, version?: string): ServedModelInfo {
    const route = this.#route(name);
    const wanted = version ?? route.policy.stable;
    if (!this.versions(name).includes(wanted)) fail('NOT_FOUND', `deployment '${name}' does not route to version ${wanted}: it routes to ${this.versions(name).join(', ')}`, { deployment: name, version: wanted });
    return { ...this.options.pool.info(internalName(name, wanted)), name };
  }

  /** The versions requests are routed to (stable, then candidates; not a mirror-only version). */
  versions(name: string): string[] {
    const { policy } = this.#route(name);
    return [...new Set([policy.stable, ...policy.candidates.map((c) => c.version)])];
  }

  /** Whether routing `name` reads the request's rows (a sticky column), so they must be decoded before a version is chosen. */
  readsRows(name: string): boolean {
    const sticky = this.#route(name).policy.sticky;
    return sticky !== undefined && 'column' in sticky;
  }

  /** Picks the version for one request and leases it; NOT_FOUND when `name` is no deployment. */
  route(name: string, request: RoutableRequest): RouteResult {
    const { policy } = this.#route(name);
    const key = stickyKey(policy, request);
    const bucket = key === undefined ? this.#random() * 100 : stickyBucket(key);
    const choice = chooseVariant(policy, bucket);
    // Fields written out: `{...choice, lease}` made V8 define `lease` on a fresh map each request (about 2 µs).
    return { variant: choice.variant, version: choice.version, lease: this.#lease(name, choice.version) };
  }

  /** Leases one version requests are routed to (`/versions/{v}/infer`); NOT_FOUND naming the versions otherwise. */
  pin(name: string, version: string): RouteResult {
    const { policy } = this.#route(name);
    if (!this.versions(name).includes(version)) {
      fail('NOT_FOUND', `deployment '${name}' does not route to version ${version}: it routes to ${this.versions(name).join(', ')}`, { deployment: name, version });
    }
    return { variant: version === policy.stable ? 'stable' : 'canary', version, lease: this.#lease(name, version) };
  }

  /**
   * Mirrors a request the primary answered: for the policy's mirror percent of calls, the mirror
   * version predicts on `rows` on its predictor thread a few ms later (shadowGatherMs), and the
   * comparison goes to the shadow listeners. Never throws and never delays the caller; failures
   * become `error` records. Requests mirrored meanwhile, or while the version's previous shadow
   * call runs, share one model call (see shadow-runner.ts).
   */
  shadow(name: string, rows: readonly InputRow[], primary: PrimaryAnswer): void {
    const route = this.#routes.get(name);
    const mirror = route?.policy.mirror;
    if (!route || !mirror || !(this.#random() * 100 < mirror.percent)) return;
    if (!this.#shadows.add({ name, model: route.model, version: mirror.version, poolName: route.mirrorPoolName!, rows, primary })) {
      this.#logger.debug({ deployment: name, pending: this.#shadows.pending }, 'shadow skipped: too many shadow predictions running');
    }
  }

  /** Adds a shadow listener (metrics, the prediction log); returns its removal. */
  addShadowListener(listener: ShadowListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Resolves once no shadow prediction and no started unload is running (tests, graceful shutdown). */
  async idle(): Promise<void> {
    while (this.#unloading.size > 0 || this.#shadows.busy) await Promise.allSettled([...this.#unloading, this.#shadows.idle()]);
  }

  async #apply(deployment: RoutedDeployment): Promise<void> {
    const versions = policyVersions(deployment.policy);
    try {
      await Promise.all(versions.map((v) => this.#ensureLoaded(deployment, v)));
      const { mirror } = deployment.policy;
      this.#routes.set(deployment.name, { model: deployment.model, policy: deployment.policy, ...(mirror && { mirrorPoolName: internalName(deployment.name, mirror.version) }) });
      this.#logger.info({ deployment: deployment.name, policy: deployment.policy }, 'deployment policy applied');
    } finally {
      // Also after a failed apply: versions it loaded that the old policy does not name.
      this.#scheduleUnused(deployment.name);
    }
  }

  /** The versions of `name` the routed policy names (none when it is not routed). */
  #referenced(name: string): string[] {
    const route = this.#routes.get(name);
    return route ? policyVersions(route.policy) : [];
  }

  /** Starts the grace period of each loaded version of `name` no policy names (once per version). */
  #scheduleUnused(name: string): void {
    const referenced = this.#referenced(name);
    for (const version of this.#loaded.get(name) ?? []) {
      const poolName = internalName(name, version);
      if (referenced.includes(version) || this.#unloadTimers.has(poolName)) continue;
      const cancel = (this.options.schedule ?? scheduleTimeout)(() => {
        this.#unloadTimers.delete(poolName);
        // Queued behind the deployment's applies, so an apply naming the version again wins.
        const previous = this.#applying.get(name) ?? Promise.resolve();
        void previous.catch(() => undefined).then(() => this.#unloadIfUnused(name, version));
      }, this.options.unloadGraceMs ?? DEFAULT_UNLOAD_GRACE_MS);
      this.#unloadTimers.set(poolName, cancel);
    }
  }

  /** Removes the version from the pool unless a policy names it again; its leases finish first. */
  #unloadIfUnused(name: string, version: string): void {
    const loaded = this.#loaded.get(name);
    if (!loaded?.has(version) || this.#referenced(name).includes(version)) return;
    loaded.delete(version);
    if (loaded.size === 0) this.#loaded.delete(name);
    const poolName = internalName(name, version);
    // ModelPool.remove stops new leases at once (synchronously), then waits for the open ones.
    const removal = this.options.pool.remove(poolName).then(
      () => {
        this.#logger.info({ deployment: name, version }, 'version unloaded: no policy names it');
        this.options.onUnloaded?.(name, version);
      },
      (err: unknown) => this.#logger.warn({ err, deployment: name, version }, 'unloading a version failed'),
    ).finally(() => this.#unloading.delete(removal));
    this.#unloading.add(removal);
  }

  /** Adds the version to the pool, or reloads it if an earlier load failed; rejects unless it serves. */
  async #ensureLoaded(deployment: RoutedDeployment, version: string): Promise<void> {
    const { pool } = this.options;
    const poolName = internalName(deployment.name, version);
    const ref = this.options.refFor(deployment.model, version);
    const known = pool.list().find((m) => m.name === poolName);
    const what = `deployment '${deployment.name}': version ${version} (${ref})`;
    // Named again within its grace period: it stays loaded.
    this.#unloadTimers.get(poolName)?.();
    this.#unloadTimers.delete(poolName);
    try {
      if (!known) {
        this.#markLoaded(deployment.name, version);
        await pool.add(poolName, ref);
        return;
      }
      if (known.ref !== ref) {
        fail('INVALID_STATE', `${what}: this router already serves that version from ${known.ref}; a deployment cannot change its model, create a new deployment instead`, { deployment: deployment.name, version, ref, loaded: known.ref });
      }
      if (known.ready) return;
      await pool.refresh(poolName);
      const after = pool.status(poolName);
      if (!after.ready) throw new Error(after.error ?? `state ${after.state}`);
    } catch (err) {
      if (err instanceof PaddockError && err.code === 'INVALID_STATE') throw err;
      const message = err instanceof Error ? err.message : String(err);
      throw new PaddockError('MODEL_NOT_READY', `${what} failed to load, so the policy was not applied: ${message}`, { deployment: deployment.name, version, ref }, { cause: err });
    }
  }

  #markLoaded(name: string, version: string): void {
    const loaded = this.#loaded.get(name) ?? new Set<string>();
    loaded.add(version);
    this.#loaded.set(name, loaded);
  }

  #route(name: string): Route {
    const route = this.#routes.get(name);
    if (route) return route;
    return fail('NOT_FOUND', `no deployment named '${name}' is routed (routed: ${[...this.#routes.keys()].join(', ') || 'none'})`, { deployment: name });
  }

  /** A pool lease whose info carries the deployment's name, so responses never show internal names. */
  #lease(name: string, version: string): ModelLease {
    const inner = this.options.pool.lease(internalName(name, version));
    // One renamed info per loaded version, not one per request: what is cached by info (metric
    // labels, the registered model's name) is then found again.
    let info = this.#renamed.get(inner.info);
    if (info === undefined) {
      info = { ...inner.info, name };
      this.#renamed.set(inner.info, info);
    }
    return new RenamedLease(inner, info);
  }

  /** Tells every shadow listener; one that throws is logged and the others still hear. */
  #emitShadow(record: ShadowRecord, answer: ShadowAnswer | undefined): void {
    for (const listener of this.#listeners) {
      try {
        listener(record, answer);
      } catch (err) {
        this.#logger.error({ err, deployment: record.deployment }, 'shadow listener failed');
      }
    }
  }

  /** The primary version's manifest (what its predictions mean), if it is still loaded. */
  #manifestOf(name: string, version: string): ServedModelInfo['manifest'] | undefined {
    try {
      return this.options.pool.info(internalName(name, version)).manifest;
    } catch {
      return undefined;
    }
  }
}

/** Sanity checks the router relies on (full policy validation is the deployment service's). */
function checkDeployment(d: RoutedDeployment): void {
  if (!d.name || /[/\s@]/.test(d.name)) fail('INVALID_ARGUMENT', `deployment name '${d.name}' cannot be used in a URL: give a non-empty name without '/', '@' or spaces`, { deployment: d.name });
  const { policy } = d;
  const weights = policy.candidates.map((c) => c.weight);
  if (weights.some((w) => !(w >= 0 && w <= 100))) fail('INVALID_ARGUMENT', `deployment '${d.name}': candidate weights must be percents from 0 to 100, got ${weights.join(', ')}`, { deployment: d.name });
  const total = weights.reduce((a, b) => a + b, 0);
  if (total > 100) fail('INVALID_ARGUMENT', `deployment '${d.name}': candidate weights sum to ${total}, more than 100`, { deployment: d.name, total });
  const mirror = policy.mirror;
  if (mirror && !(mirror.percent >= 0 && mirror.percent <= 100)) fail('INVALID_ARGUMENT', `deployment '${d.name}': mirror percent must be from 0 to 100, got ${mirror.percent}`, { deployment: d.name });
}

/** A pool lease shown under another info (the deployment's name), for answering requests (shadows lease from the pool itself). */
class RenamedLease implements ModelLease {
  constructor(private readonly inner: ModelLease, readonly info: ServedModelInfo) {}

  predict(rows: readonly InputRow[]): Promise<PredictionRow[]> {
    return this.inner.predict(rows);
  }

  predictNow(rows: readonly InputRow[]): PredictionRow[] | undefined {
    return this.inner.predictNow?.(rows);
  }

  release(): void {
    this.inner.release();
  }
}
