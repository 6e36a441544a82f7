/**
 * The checks a promotion policy requires, each read from what the version's lineage records:
 * validation runs of its training data, its evaluation runs (gates, slice metrics) and approvals.
 * Pure reads: enforcing them is promotion-guard.ts's job.
 */
import { isPaddockError } from '../../core/errors.js';
import { evaluateGate } from '../../models/index.js';
import type { ModelVersion, RegistryStore } from '../../registry/index.js';
import type { Run, TrackingStore } from '../../tracking/index.js';
import { EVALUATION_TAGS, sliceColumnKey, SLICE_METRIC_PREFIX } from './evidence-tags.js';
import { dataVersionsOf, evaluationRunsOf, validationPassed, validationRunsOf } from './evidence.js';
import { guards, policyFor, type PromotionConfig, type PromotionPolicy, type PromotionTarget, type SliceBound } from './promotion-policy.js';
import type { PromotionStore } from './promotion-store.js';

/** One required check's outcome; `detail` says what was found (or what to do). */
export interface PromotionCheck {
  /** `validation`, `gates`, `slices.<column>[=<value>]`, `approvals`. */
  readonly check: string;
  readonly passed: boolean;
  readonly detail: string;
  /** The run the check read, when one. */
  readonly runId?: string;
}

/** What the checks read. */
export interface PromotionCheckDeps {
  readonly registry: RegistryStore;
  readonly tracking: TrackingStore;
  readonly store: Pick<PromotionStore, 'approvals'>;
  readonly config: PromotionConfig;
}

/**
 * The required checks for `version` of `model` serving as `target`, in policy order; empty when
 * no policy guards the target. NOT_FOUND when the version does not exist.
 */
export async function checkPromotion(deps: PromotionCheckDeps, model: string, version: number, target: PromotionTarget): Promise<PromotionCheck[]> {
  const policy = policyFor(deps.config, model);
  if (!policy || !guards(policy, target)) return [];
  return checkPolicy(deps, policy, await deps.registry.getVersion(model, version));
}

/** Every check `policy` requires, for one version. */
export async function checkPolicy(deps: PromotionCheckDeps, policy: PromotionPolicy, mv: ModelVersion): Promise<PromotionCheck[]> {
  const { require } = policy;
  const checks: PromotionCheck[] = [];
  if (require.validation) checks.push(await checkValidation(deps, mv));
  const evaluations = require.gates || require.slices.length > 0 ? await evaluationRunsOf(deps.tracking, mv) : [];
  if (require.gates) checks.push(checkGates(mv, evaluations));
  for (const bound of require.slices) checks.push(checkSlice(mv, evaluations, bound));
  if (require.approvals > 0) checks.push(await checkApprovals(deps, mv, require.approvals));
  return checks;
}

async function checkValidation(deps: PromotionCheckDeps, mv: ModelVersion): Promise<PromotionCheck> {
  const data = await dataVersionsOf(deps.registry, deps.tracking, mv);
  if (data.length === 0) {
    return { check: 'validation', passed: false, detail: `version ${mv.version}'s lineage names no training data (train with \`paddock train --data\` or a pipeline stage, so the data version is recorded)` };
  }
  const problems: string[] = [];
  const passedRuns: string[] = [];
  for (const d of data) {
    const latest = (await validationRunsOf(deps.tracking, d.digest))[0];
    if (!latest) problems.push(`${d.name} (md5 ${d.digest.slice(0, 8)}) was never validated: run \`paddock validate ${d.name} --schema <schema>\``);
    else if (!validationPassed(latest)) problems.push(`${d.name} (md5 ${d.digest.slice(0, 8)}) failed validation in run ${latest.info.runId}`);
    else passedRuns.push(latest.info.runId);
  }
  if (problems.length > 0) return { check: 'validation', passed: false, detail: problems.join('; ') };
  return { check: 'validation', passed: true, detail: `${data.map((d) => d.name).join(', ')} passed validation`, runId: passedRuns[0]! };
}

function checkGates(mv: ModelVersion, evaluations: readonly Run[]): PromotionCheck {
  const run = evaluations.find((r) => r.data.tags[EVALUATION_TAGS.gates] !== undefined);
  if (!run) return { check: 'gates', passed: false, detail: `no evaluation of version ${mv.version} with gates: run \`paddock evaluate models:/${mv.name}/${mv.version} <data> --gate "<metric> >= …"\`` };
  const lines = parseGateTag(run.data.tags[EVALUATION_TAGS.gates]!);
  const failed = lines.filter((g) => g.status === 'failed');
  const passed = lines.filter((g) => g.status === 'passed');
  if (failed.length > 0) return { check: 'gates', passed: false, detail: `evaluation run ${run.info.runId} failed ${failed.length} of ${lines.length} gates: ${failed.map((g) => g.expression).join('; ')}`, runId: run.info.runId };
  return { check: 'gates', passed: true, detail: `evaluation run ${run.info.runId}: ${passed.length} of ${lines.length} gates passed${lines.length > passed.length ? ` (${lines.length - passed.length} skipped)` : ''}`, runId: run.info.runId };
}

/** The `paddock.gates` tag: one `status: expression` per line. */
export function parseGateTag(text: string): { status: string; expression: string }[] {
  return text.split('\n').filter(Boolean).map((line) => {
    const i = line.indexOf(': ');
    return i < 0 ? { status: 'unknown', expression: line } : { status: line.slice(0, i), expression: line.slice(i + 2) };
  });
}

function checkSlice(mv: ModelVersion, evaluations: readonly Run[], bound: SliceBound): PromotionCheck {
  const check = bound.check;
  const bounds = `"${bound.gate.text}"`;
  for (const run of evaluations) {
    const slices = sliceMetricsOf(run, bound.column);
    if (slices.size === 0) continue;
    const values = bound.value !== undefined ? [sliceColumnKey(bound.value)] : [...slices.keys()];
    const failures: string[] = [];
    for (const value of values) {
      const metrics = slices.get(value);
      if (!metrics) {
        failures.push(`${bound.column}=${value}: no such slice in the evaluation`);
        continue;
      }
      try {
        const r = evaluateGate(bound.gate, { current: metrics });
        if (!r.passed) failures.push(`${bound.column}=${value}: ${r.leftText} = ${fmt(r.left)}, needs ${r.op} ${fmt(r.right)}`);
      } catch (err) {
        if (!isPaddockError(err, 'INVALID_ARGUMENT')) throw err;
        failures.push(`${bound.column}=${value}: ${err.message}`);
      }
    }
    const runId = run.info.runId;
    if (failures.length > 0) return { check, passed: false, detail: `evaluation run ${runId}: ${bounds} fails on ${failures.join('; ')}`, runId };
    return { check, passed: true, detail: `evaluation run ${runId}: ${bounds} holds on ${values.length} slice${values.length === 1 ? '' : 's'} of ${bound.column}`, runId };
  }
  return { check, passed: false, detail: `no evaluation of version ${mv.version} sliced by '${bound.column}': run \`paddock evaluate models:/${mv.name}/${mv.version} <data> --slice ${bound.column}\`` };
}

/** slice value → metric → value, from the run's `slice.<column>.<value>.<metric>` metrics. */
function sliceMetricsOf(run: Run, column: string): Map<string, Record<string, number>> {
  const prefix = `${SLICE_METRIC_PREFIX}${sliceColumnKey(column)}.`;
  const out = new Map<string, Record<string, number>>();
  for (const m of run.data.metrics) {
    if (!m.key.startsWith(prefix)) continue;
    const rest = m.key.slice(prefix.length);
    const dot = rest.lastIndexOf('.');
    if (dot <= 0) continue;
    const value = rest.slice(0, dot);
    const metrics = out.get(value) ?? {};
    metrics[rest.slice(dot + 1)] = m.value;
    out.set(value, metrics);
  }
  return out;
}

async function checkApprovals(deps: PromotionCheckDeps, mv: ModelVersion, needed: number): Promise<PromotionCheck> {
  const approvers = [...new Set((await deps.store.approvals(mv.name, mv.version)).map((a) => a.approver))];
  const have = `${approvers.length} of ${needed} approval${needed === 1 ? '' : 's'}`;
  if (approvers.length >= needed) return { check: 'approvals', passed: true, detail: `${have} (${approvers.join(', ')})` };
  return { check: 'approvals', passed: false, detail: `${have}${approvers.length ? ` (${approvers.join(', ')})` : ''}: \`paddock approve ${mv.name} ${mv.version}\`` };
}

function fmt(x: number): string {
  return Number.isFinite(x) ? String(Number(x.toPrecision(6))) : String(x);
}
