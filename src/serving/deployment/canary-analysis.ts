/**
 * Automatic canary analysis (Flagger's model): a loop that judges the canary of each followed
 * deployment from the requests it answered, steps its weight up, promotes it, or rolls it back.
 *
 * Semantics, for a deployment with an `analysis` config and exactly one candidate (others are left
 * alone, and their state is forgotten):
 * - A rollout is one (stable, candidate) pair; its state (window start, failed checks) lives in
 *   memory and starts when the loop first sees the pair. A candidate at 0% is stepped to the first
 *   step weight at once (the rollout starts; a 0% canary gets no requests to judge).
 * - Every `intervalSeconds` the interval's outcomes (VariantStats, only the requests the current
 *   canary and stable versions answered) are checked:
 *   - the canary has fewer than `minSamples` requests → `noData`: 'hold' does nothing, 'fail'
 *     counts as a failed check, 'pass' as a passed one;
 *   - otherwise the check passes when the canary's success rate (non-5xx / all) ≥ `successRate`
 *     and its p99 latency ≤ `p99LatencyMs`. Stable's numbers are reported in the reason for
 *     comparison, not judged.
 *   - With `minAgreement`/`maxMeanAbsDelta`, the comparisons of stable's requests mirrored to the
 *     candidate are judged too, and with `maxLabelShift` the canary's predicted labels against
 *     stable's (analysis-checks.ts has the rules); any failing part fails the check.
 * - Mirror first (Flagger's traffic mirroring): a candidate at 0% that the policy mirrors to, with
 *   a shadow bound set, is not started at once: each interval judges its shadow answers alone,
 *   and a passing check steps it to the first step weight (the mirror stays, so agreement keeps
 *   being judged until promotion); failures count toward `threshold` as for a canary.
 * - Passed → the canary's weight goes to the first `stepWeights` entry above its current weight
 *   (event kind 'step'); when there is none (it is at the last entry, e.g. 100), the canary is
 *   promoted (kind 'promoted').
 * - Failed → one more failed check (counted over the whole rollout, not reset by a step); at
 *   `threshold` failed checks the canary is rolled back: candidates and mirror dropped, stable kept
 *   (kind 'rolled-back'); below it the failed check is recorded as an 'analysis' event.
 * - Holds are not written to the history (an idle deployment would fill it); they are logged at
 *   info and passed to `onDecision` like every other decision.
 * Every write is by actor 'paddock-analysis' with a reason listing the measured values, guarded by
 * the revision the decision was made on: a concurrent change by a person wins (CONFLICT), and the
 * loop re-reads the deployment on its next tick.
 *
 * Steps and rollbacks are written through the store: DeploymentService.set records kind 'set', and
 * its rollback returns to the *previous* stable, while an aborted canary must keep the current one.
 * Promotion goes through DeploymentService.promote; a promotion the promotion policy refuses
 * (POLICY_VIOLATION) holds the canary, records the refusal once, and is retried each interval.
 * Ticks never overlap; a failing store is logged
 * and the deployment retried on the next tick with the same window. The state is per process:
 * run the analysis in one server per deployment (each replica only sees its own requests).
 */
import { fail, isPaddockError } from '../../core/errors.js';
import { silentLogger, type Logger } from '../../core/logging.js';
import { checkInterval, shadowOnly, type LabelShift } from './analysis-checks.js';
import type { AnalysisConfig, Deployment, DeploymentStore, TrafficPolicy } from './deployment.js';
import type { DeploymentService } from './deployment-service.js';
import { rollback } from './policy.js';
import type { ShadowSummary } from './shadow-stats.js';
import type { VariantStats, VariantSummary } from './variant-stats.js';

export { judge, judgeShadow } from './analysis-checks.js';

/** The actor of every write the analysis makes. */
export const ANALYSIS_ACTOR = 'paddock-analysis';

/** Defaults of the fields an analysis config leaves out. */
export const DEFAULT_ANALYSIS: AnalysisConfig = {
  intervalSeconds: 60, stepWeights: [10, 25, 50, 100], threshold: 2, minSamples: 50, successRate: 0.99, p99LatencyMs: 500, noData: 'hold',
};

/** One decision of the loop. */
export interface AnalysisDecision {
  readonly deployment: string;
  /** started/step/promoted/rolled-back change the policy; failed is a failed check below threshold; hold does nothing. */
  readonly kind: 'started' | 'step' | 'promoted' | 'rolled-back' | 'failed' | 'hold';
  readonly canaryVersion: string;
  readonly fromWeight: number;
  /** The canary's weight after the decision (100 after a promotion, 0 after a rollback). */
  readonly toWeight: number;
  readonly canary?: VariantSummary;
  readonly stable?: VariantSummary;
  /** The shadow comparisons of stable's requests with the candidate, when judged. */
  readonly shadow?: ShadowSummary;
  /** The canary's label shift from stable, when judged. */
  readonly labelShift?: LabelShift;
  /** Failed checks of the rollout after this decision. */
  readonly failures: number;
  readonly reason: string;
}

/** Options of CanaryAnalysis. */
export interface CanaryAnalysisOptions {
  readonly service: Pick<DeploymentService, 'promote'>;
  readonly store: Pick<DeploymentStore, 'get' | 'update'>;
  readonly stats: VariantStats;
  /** The deployments to analyse (those without an analysis config are skipped each tick). */
  readonly names: readonly string[];
  readonly logger?: Logger;
  /** Milliseconds since the epoch (default Date.now; tests inject a fake clock and call tick()). */
  readonly now?: () => number;
  /** How often start() ticks, in ms (default 1000); each deployment is checked once per its interval. */
  readonly pollMs?: number;
  /** Called with every decision (holds included); a throwing listener is logged. */
  readonly onDecision?: (decision: AnalysisDecision) => void;
}

interface RolloutState {
  readonly rollout: string;
  windowStart: number;
  failures: number;
  /** Why the promotion policy last refused the promotion (recorded once per distinct reason). */
  refused?: string;
}

/** The analysis loop; see the file comment. */
export class CanaryAnalysis {
  readonly #states = new Map<string, RolloutState>();
  readonly #logger: Logger;
  readonly #now: () => number;
  #running: Promise<AnalysisDecision[]> | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: CanaryAnalysisOptions) {
    this.#logger = options.logger ?? silentLogger;
    this.#now = options.now ?? Date.now;
  }

  /** Ticks every `pollMs` until stop(). */
  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => void this.tick(), this.options.pollMs ?? 1000);
    this.#timer.unref();
  }

  /** Stops ticking; resolves once a tick in progress has finished. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  /** Checks every due deployment once; a tick already running is joined, never run twice. Never rejects. */
  tick(): Promise<AnalysisDecision[]> {
    this.#running ??= this.#tick().finally(() => (this.#running = undefined));
    return this.#running;
  }

  async #tick(): Promise<AnalysisDecision[]> {
    const decisions: AnalysisDecision[] = [];
    for (const name of this.options.names) {
      try {
        const decision = await this.#check(name);
        if (decision) decisions.push(decision);
      } catch (err) {
        // The state is unchanged, so the next tick retries with the same window.
        this.#logger.warn({ err, deployment: name }, 'canary analysis failed; retrying on the next tick');
      }
    }
    return decisions;
  }

  async #check(name: string): Promise<AnalysisDecision | undefined> {
    const d = await this.options.store.get(name);
    const config = d.analysis;
    const candidate = d.policy.candidates.length === 1 ? d.policy.candidates[0]! : undefined;
    if (!config || !candidate) {
      this.#states.delete(name);
      return undefined;
    }
    const now = this.#now();
    const rollout = `${d.policy.stable}->${candidate.version}`;
    const state = this.#states.get(name);
    if (!state || state.rollout !== rollout) {
      const first = config.stepWeights.find((w) => w > 0);
      if (candidate.weight === 0 && first !== undefined && !shadowOnly(config, d.policy, candidate)) {
        const reason = `canary analysis started: version ${candidate.version} 0% → ${first}%`;
        await this.#write(d, withWeight(d.policy, first), 'step', reason);
        this.#states.set(name, { rollout, windowStart: now, failures: 0 });
        return this.#decide({ deployment: name, kind: 'started', canaryVersion: candidate.version, fromWeight: 0, toWeight: first, failures: 0, reason });
      }
      this.#states.set(name, { rollout, windowStart: now, failures: 0 });
      return undefined;
    }
    if (now - state.windowStart < config.intervalSeconds * 1000) return undefined;
    const checks = checkInterval(this.options.stats, name, d.policy, candidate, config, { since: state.windowStart, until: now });
    const { measured, verdict, canary, stable, shadow, labelShift } = checks;
    const base = { deployment: name, canaryVersion: candidate.version, fromWeight: candidate.weight, canary, stable, ...(shadow ? { shadow } : {}), ...(labelShift ? { labelShift } : {}) };
    // A candidate judged on its shadow answers alone is named as such in the reasons.
    const subject = shadowOnly(config, d.policy, candidate) ? 'shadow' : 'canary';
    if (verdict === 'hold') {
      state.windowStart = now;
      return this.#decide({ ...base, kind: 'hold', toWeight: candidate.weight, failures: state.failures, reason: `held: ${measured}` });
    }
    if (verdict === 'pass') {
      const next = config.stepWeights.find((w) => w > candidate.weight);
      if (next === undefined) {
        const reason = `canary passed at ${candidate.weight}%: ${measured}; promoted version ${candidate.version}`;
        try {
          await this.options.service.promote(name, { actor: ANALYSIS_ACTOR, reason }, { expectedRevision: d.revision });
        } catch (err) {
          if (!isPaddockError(err, 'POLICY_VIOLATION')) throw err;
          return this.#refused(d, state, { ...base, toWeight: candidate.weight, failures: state.failures }, now, err.message);
        }
        this.#states.delete(name);
        return this.#decide({ ...base, kind: 'promoted', toWeight: 100, failures: state.failures, reason });
      }
      const reason = `${subject} passed: ${measured}; weight ${candidate.weight}% → ${next}%`;
      await this.#write(d, withWeight(d.policy, next), 'step', reason);
      state.windowStart = now;
      return this.#decide({ ...base, kind: 'step', toWeight: next, failures: state.failures, reason });
    }
    const failures = state.failures + 1;
    if (failures >= config.threshold) {
      const reason = `${subject} failed ${failures} of ${config.threshold} checks: ${measured}; rolled back to version ${d.policy.stable}`;
      await this.#write(d, rollback(d.policy, d.policy.stable), 'rolled-back', reason);
      this.#states.delete(name);
      return this.#decide({ ...base, kind: 'rolled-back', toWeight: 0, failures, reason });
    }
    const reason = `${subject} check failed (${failures} of ${config.threshold}): ${measured}; weight stays ${candidate.weight}%`;
    await this.#write(d, d.policy, 'analysis', reason);
    state.failures = failures;
    state.windowStart = now;
    return this.#decide({ ...base, kind: 'failed', toWeight: candidate.weight, failures, reason });
  }

  /**
   * A passing canary whose promotion the promotion policy refused (automation/promotion): it holds
   * where it is, the refusal is recorded once as an 'analysis' event (again only when the reason
   * changes), and each interval retries, so an approval given later lets the next check promote.
   */
  async #refused(d: Deployment, state: RolloutState, base: Omit<AnalysisDecision, 'kind' | 'reason'>, now: number, why: string): Promise<AnalysisDecision> {
    const reason = `canary passed but promotion was refused: ${why}; holding at ${base.toWeight}%`;
    state.windowStart = now;
    if (state.refused !== why) {
      await this.#write(d, d.policy, 'analysis', reason);
      state.refused = why;
    }
    return this.#decide({ ...base, kind: 'hold', reason });
  }

  async #write(d: Deployment, policy: TrafficPolicy, kind: 'step' | 'rolled-back' | 'analysis', reason: string): Promise<void> {
    try {
      await this.options.store.update(d.name, { policy, kind, expectedRevision: d.revision }, { actor: ANALYSIS_ACTOR, reason });
    } catch (err) {
      // Someone changed the deployment since it was read: their change stands; judge it afresh.
      if (isPaddockError(err, 'CONFLICT')) this.#states.delete(d.name);
      throw err;
    }
  }

  #decide(decision: AnalysisDecision): AnalysisDecision {
    this.#logger.info({ deployment: decision.deployment, decision: decision.kind, canary: decision.canary, stable: decision.stable, shadow: decision.shadow, failures: decision.failures }, decision.reason);
    try {
      this.options.onDecision?.(decision);
    } catch (err) {
      this.#logger.error({ err, deployment: decision.deployment }, 'canary analysis listener failed');
    }
    return decision;
  }
}

function withWeight(policy: TrafficPolicy, weight: number): TrafficPolicy {
  return { ...policy, candidates: [{ version: policy.candidates[0]!.version, weight }] };
}

/** What to call each field of an analysis config in errors (the CLI passes its flags). */
export type AnalysisFieldNames = Readonly<Record<keyof AnalysisConfig, string>>;

const NO_DATA = new Set(['hold', 'fail', 'pass']);

/**
 * A complete, checked analysis config: `input`'s fields over `base` (default DEFAULT_ANALYSIS).
 * INVALID_ARGUMENT naming the field: the interval and p99 are positive, step weights rise strictly
 * within 1–100, threshold is a whole number ≥ 1, minSamples a whole number ≥ 0, successRate 0–1,
 * noData hold, fail or pass; the optional bounds, when given: minAgreement and maxLabelShift 0–1,
 * maxMeanAbsDelta ≥ 0 (left out, they stay unjudged).
 */
export function resolveAnalysisConfig(input: Partial<AnalysisConfig>, base: AnalysisConfig = DEFAULT_ANALYSIS, fields?: Partial<AnalysisFieldNames>): AnalysisConfig {
  const c = { ...base, ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) } as AnalysisConfig;
  const field = (k: keyof AnalysisConfig) => fields?.[k] ?? `analysis.${k}`;
  const bad = (k: keyof AnalysisConfig, what: string): never => fail('INVALID_ARGUMENT', `${field(k)}: ${what} (got ${JSON.stringify(c[k])})`, { field: field(k) });
  if (!(typeof c.intervalSeconds === 'number' && c.intervalSeconds > 0 && Number.isFinite(c.intervalSeconds))) bad('intervalSeconds', 'the interval must be a positive number of seconds');
  const steps = c.stepWeights as unknown;
  if (!Array.isArray(steps) || steps.length === 0 || steps.some((w, i) => typeof w !== 'number' || !(w > 0 && w <= 100) || (i > 0 && w <= (steps[i - 1] as number)))) {
    bad('stepWeights', 'give rising canary weights from 1 to 100, e.g. 10,25,50,100');
  }
  if (!Number.isInteger(c.threshold) || c.threshold < 1) bad('threshold', 'the failed checks before a rollback must be a whole number of at least 1');
  if (!Number.isInteger(c.minSamples) || c.minSamples < 0) bad('minSamples', 'the minimum requests per interval must be a whole number of at least 0');
  if (!(typeof c.successRate === 'number' && c.successRate >= 0 && c.successRate <= 1)) bad('successRate', 'the minimum success rate must be a fraction from 0 to 1, e.g. 0.99');
  if (!(typeof c.p99LatencyMs === 'number' && c.p99LatencyMs > 0 && Number.isFinite(c.p99LatencyMs))) bad('p99LatencyMs', 'the maximum p99 latency must be a positive number of milliseconds');
  if (!NO_DATA.has(c.noData)) bad('noData', 'what an interval without enough requests counts as must be hold, fail or pass');
  const fraction = (x: unknown) => typeof x === 'number' && x >= 0 && x <= 1;
  if (c.minAgreement !== undefined && !fraction(c.minAgreement)) bad('minAgreement', 'the minimum shadow agreement must be a fraction from 0 to 1, e.g. 0.97');
  if (c.maxMeanAbsDelta !== undefined && !(typeof c.maxMeanAbsDelta === 'number' && c.maxMeanAbsDelta >= 0 && Number.isFinite(c.maxMeanAbsDelta))) bad('maxMeanAbsDelta', 'the maximum mean |Δ| between the candidate\'s and stable\'s predictions must be a number of at least 0');
  if (c.maxLabelShift !== undefined && !fraction(c.maxLabelShift)) bad('maxLabelShift', 'the maximum label shift (total variation distance) must be a fraction from 0 to 1, e.g. 0.1');
  return {
    intervalSeconds: c.intervalSeconds, stepWeights: [...c.stepWeights], threshold: c.threshold, minSamples: c.minSamples, successRate: c.successRate, p99LatencyMs: c.p99LatencyMs, noData: c.noData,
    ...(c.minAgreement !== undefined ? { minAgreement: c.minAgreement } : {}),
    ...(c.maxMeanAbsDelta !== undefined ? { maxMeanAbsDelta: c.maxMeanAbsDelta } : {}),
    ...(c.maxLabelShift !== undefined ? { maxLabelShift: c.maxLabelShift } : {}),
  };
}
