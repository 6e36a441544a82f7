/**
 * One interval's checks of a canary rollout (see canary-analysis.ts for the loop around them):
 * what is measured, what each part's verdict is, and the text of the measured values against
 * their bounds that goes into the decision's reason.
 *
 * The parts, each judged only when it applies:
 * - canary: its requests' success rate and p99 latency (VariantStats), unless the rollout is in
 *   its shadow-only phase (candidate at 0%, mirrored to; it answers no requests then);
 * - shadow: when `minAgreement` or `maxMeanAbsDelta` is set and the policy mirrors to the
 *   candidate while stable still answers requests (candidate below 100%), or comparisons of
 *   stable's requests with the candidate exist in the interval anyway. Only comparisons whose
 *   primary is stable and shadow the candidate count (a canary request mirrored to itself says
 *   nothing). Its samples are the mirrored requests: fewer than `minSamples` → `noData`;
 * - label shift: when `maxLabelShift` is set, the canary is judged and stable answered labelled
 *   rows or still takes traffic: the total variation distance between the canary's and stable's
 *   predicted labels; either side with fewer than `minSamples` labelled rows → `noData`.
 * A part that fails fails the check; otherwise one that holds holds it; otherwise it passes.
 */
import type { AnalysisConfig, CandidateWeight, TrafficPolicy } from './deployment.js';
import type { ShadowSummary } from './shadow-stats.js';
import { labelShift, type VariantStats, type VariantSummary } from './variant-stats.js';

export type Verdict = 'pass' | 'fail' | 'hold';

/** The measured label shift and the labelled rows it is measured over. */
export interface LabelShift {
  readonly shift: number;
  readonly canaryRows: number;
  readonly stableRows: number;
}

/** An interval's measurements and verdict. */
export interface IntervalChecks {
  readonly canary: VariantSummary;
  readonly stable: VariantSummary;
  /** Present when the shadow part was judged. */
  readonly shadow?: ShadowSummary;
  /** Present when the label shift was judged. */
  readonly labelShift?: LabelShift;
  readonly verdict: Verdict;
  /** `canary v2: …; stable v1: …; shadow …; label shift …`. */
  readonly measured: string;
}

/** Whether the config judges shadow comparisons. */
export function judgesShadow(config: AnalysisConfig): boolean {
  return config.minAgreement !== undefined || config.maxMeanAbsDelta !== undefined;
}

/**
 * The shadow-only phase (Flagger's traffic mirroring): the candidate takes 0% and stable's requests
 * are mirrored to it, so it is judged on its shadow answers alone; a passing check steps it to the
 * first step weight (the mirror is kept and keeps being judged).
 */
export function shadowOnly(config: AnalysisConfig, policy: TrafficPolicy, candidate: CandidateWeight): boolean {
  return candidate.weight === 0 && judgesShadow(config) && mirrorsTo(policy, candidate.version);
}

function mirrorsTo(policy: TrafficPolicy, version: string): boolean {
  return policy.mirror !== undefined && policy.mirror.version === version && policy.mirror.percent > 0;
}

/** pass, fail or hold for one interval's canary numbers. */
export function judge(config: AnalysisConfig, canary: VariantSummary): Verdict {
  if (canary.requests < config.minSamples) return config.noData;
  return canary.successRate >= config.successRate && canary.p99Ms <= config.p99LatencyMs ? 'pass' : 'fail';
}

/** pass, fail or hold for one interval's shadow comparisons (a NaN mean |Δ| fails). */
export function judgeShadow(config: AnalysisConfig, shadow: ShadowSummary): Verdict {
  if (shadow.requests < config.minSamples) return config.noData;
  if (config.minAgreement !== undefined && !(shadow.agreement >= config.minAgreement)) return 'fail';
  if (config.maxMeanAbsDelta !== undefined && shadow.meanAbsDelta !== undefined && !(shadow.meanAbsDelta <= config.maxMeanAbsDelta)) return 'fail';
  return 'pass';
}

/** Measures and judges the interval `range` of the rollout stable → `candidate`. */
export function checkInterval(stats: VariantStats, deployment: string, policy: TrafficPolicy, candidate: CandidateWeight, config: AnalysisConfig, range: { since: number; until: number }): IntervalChecks {
  const onlyShadow = shadowOnly(config, policy, candidate);
  const canary = stats.summary(deployment, 'canary', { ...range, version: candidate.version });
  const stable = stats.summary(deployment, 'stable', { ...range, version: policy.stable });
  const verdicts: Verdict[] = [];
  const parts: string[] = [];
  if (!onlyShadow) {
    verdicts.push(judge(config, canary));
    parts.push(describeCanary(config, candidate.version, canary));
  }
  parts.push(`stable v${policy.stable}: ${stable.requests} requests, success ${pct(stable.successRate)}, p99 ${ms(stable.p99Ms)}`);
  let shadow: ShadowSummary | undefined;
  if (judgesShadow(config)) {
    const s = stats.shadowSummary(deployment, { ...range, primaryVersion: policy.stable, shadowVersion: candidate.version });
    if ((mirrorsTo(policy, candidate.version) && candidate.weight < 100) || s.requests > 0) {
      shadow = s;
      verdicts.push(judgeShadow(config, s));
      parts.push(describeShadow(config, candidate.version, policy.stable, s));
    }
  }
  let shift: LabelShift | undefined;
  if (config.maxLabelShift !== undefined && !onlyShadow) {
    const c = stats.labelCounts(deployment, 'canary', { ...range, version: candidate.version });
    const s = stats.labelCounts(deployment, 'stable', { ...range, version: policy.stable });
    if (candidate.weight < 100 || s.rows > 0) {
      const enough = c.rows >= config.minSamples && s.rows >= config.minSamples;
      shift = { shift: labelShift(c, s), canaryRows: c.rows, stableRows: s.rows };
      verdicts.push(!enough ? config.noData : shift.shift <= config.maxLabelShift ? 'pass' : 'fail');
      parts.push(enough
        ? `label shift ${shift.shift.toFixed(3)} (max ${config.maxLabelShift}) over ${count(c.rows)} canary and ${count(s.rows)} stable rows`
        : `label shift: ${count(c.rows)} canary and ${count(s.rows)} stable labelled rows (fewer than ${config.minSamples}, no data: ${config.noData})`);
    }
  }
  const verdict: Verdict = verdicts.includes('fail') ? 'fail' : verdicts.includes('hold') ? 'hold' : 'pass';
  return { canary, stable, ...(shadow ? { shadow } : {}), ...(shift ? { labelShift: shift } : {}), verdict, measured: parts.join('; ') };
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
const ms = (x: number) => `${Math.round(x * 100) / 100} ms`;
const count = (n: number) => n.toLocaleString('en-US');

/** `canary v2: 120 requests, 1 error, success 99.17% (min 99%), p99 12.5 ms (max 500 ms)`. */
function describeCanary(config: AnalysisConfig, version: string, canary: VariantSummary): string {
  return canary.requests < config.minSamples
    ? `canary v${version}: ${canary.requests} requests (fewer than ${config.minSamples}, no data: ${config.noData})`
    : `canary v${version}: ${canary.requests} requests, ${canary.errors} errors, success ${pct(canary.successRate)} (min ${pct(config.successRate)}), p99 ${ms(canary.p99Ms)} (max ${config.p99LatencyMs} ms)`;
}

/** `shadow v2 of stable v1: 300 mirrored requests, 0 errors, agreement 98.50% over 1,200 rows (min 97.00%), mean |Δ| 0.0123 (max 0.05)`. */
function describeShadow(config: AnalysisConfig, version: string, stableVersion: string, s: ShadowSummary): string {
  const head = `shadow v${version} of stable v${stableVersion}: ${count(s.requests)} mirrored requests`;
  if (s.requests < config.minSamples) return `${head} (fewer than ${config.minSamples}, no data: ${config.noData})`;
  const parts = [`${head}, ${count(s.errors)} errors, agreement ${pct(s.agreement)} over ${count(s.rows)} rows${config.minAgreement !== undefined ? ` (min ${pct(config.minAgreement)})` : ''}`];
  if (s.meanAbsDelta !== undefined) parts.push(`mean |Δ| ${Number(s.meanAbsDelta.toPrecision(4))}${config.maxMeanAbsDelta !== undefined ? ` (max ${config.maxMeanAbsDelta})` : ''}`);
  else if (config.maxMeanAbsDelta !== undefined) parts.push('mean |Δ| not measured (not a regression model)');
  return parts.join(', ');
}
