/**
 * `paddock audit`: for each version serving production (the policy's aliases and the stable of
 * its deployments), the chain of evidence that put it there, assembled from the stores:
 * trigger (and the alert behind it) → data versions (and their validation) → training run →
 * evaluation (gates, slices) → approvals → canary steps → promotion.
 */
import { isPaddockError } from '../../core/errors.js';
import type { AuditEvent, ModelVersion, RegistryStore } from '../../registry/index.js';
import type { DeploymentStore, TrafficPolicy } from '../../serving/index.js';
import type { TrackingStore } from '../../tracking/index.js';
import {
  checkPolicy, dataVersionsOf, evaluationRunsOf, EVALUATION_TAGS, guards, parseGateTag, policyFor, validationPassed, validationRunsOf,
  type Approval, type PromotionCheck, type PromotionConfig, type PromotionStore,
} from '../promotion/index.js';

/** What started the work that produced a version; `kind` is `manual/unknown` when nothing says. */
export interface TriggerRecord {
  readonly kind: string;
  readonly detail: string;
  readonly at?: number;
  readonly retraining?: string;
  /** The alert behind an alert trigger, as recorded. */
  readonly alert?: { readonly rule: string; readonly at?: number; readonly detail: string };
}

/** Where triggers are read from (the retraining records, when the database has them). */
export interface TriggerSource {
  triggerOf(mv: ModelVersion): Promise<TriggerRecord | undefined>;
}

export interface AuditChainDeps {
  readonly registry: RegistryStore;
  readonly tracking: TrackingStore;
  readonly store: Pick<PromotionStore, 'approvals'>;
  readonly deployments: Pick<DeploymentStore, 'list' | 'history'>;
  readonly config: PromotionConfig;
  readonly triggers?: TriggerSource;
}

/** One link of the chain that is a run. */
export interface RunLink {
  readonly runId: string;
  readonly experimentId: string;
  readonly name: string;
  readonly user: string;
  readonly at: number;
  readonly status: string;
}

/** One change of a deployment that concerns the version. */
export interface DeploymentStep {
  readonly deployment: string;
  readonly kind: string;
  readonly at: number;
  readonly actor: string;
  readonly reason?: string;
  readonly policy: string;
}

/** The chain of one production version. */
export interface VersionChain {
  readonly version: number;
  readonly createdAt: number;
  /** `alias champion`, `deployment flights (stable)`. */
  readonly servedAs: readonly string[];
  readonly trigger: TriggerRecord;
  readonly data: readonly { readonly name: string; readonly digest: string; readonly validation?: RunLink & { readonly passed: boolean } }[];
  readonly training?: RunLink & { readonly params: Readonly<Record<string, string>>; readonly gitCommit?: string };
  readonly evaluation?: RunLink & { readonly metrics: Readonly<Record<string, number>>; readonly gates: readonly { readonly status: string; readonly expression: string }[] };
  /** The policy's checks as they stand now (empty without a policy). */
  readonly checks: readonly PromotionCheck[];
  readonly approvals: readonly Approval[];
  readonly canary: readonly DeploymentStep[];
  /** Registry events that made it production: alias moves, deployment promotions, overrides. */
  readonly promotion: readonly AuditEvent[];
}

export interface AuditReport {
  readonly model: string;
  readonly generatedAt: number;
  /** The policies key that applies (`*` or the model's name), if any. */
  readonly policy?: string;
  readonly versions: readonly VersionChain[];
}

const PROMOTION_ACTIONS = new Set(['alias.set', 'deployment.created', 'deployment.set', 'deployment.promoted', 'policy.override']);

/** The audit report of `model`: every production version, or only `options.version`. */
export async function auditChain(deps: AuditChainDeps, model: string, options: { version?: number; now?: number } = {}): Promise<AuditReport> {
  const registered = await deps.registry.getModel(model);
  const policy = policyFor(deps.config, model);
  const aliases = policy?.aliases ?? ['champion'];
  const served = new Map<number, string[]>();
  const serve = (v: number, as: string) => served.set(v, [...(served.get(v) ?? []), as]);
  for (const [alias, v] of Object.entries(registered.aliases)) if (aliases.includes(alias)) serve(v, `alias ${alias}`);
  const deployments = (await deps.deployments.list()).filter((d) => d.model === model && (!policy || guards(policy, { deployment: d.name })));
  for (const d of deployments) if (/^\d+$/.test(d.policy.stable)) serve(Number(d.policy.stable), `deployment ${d.name} (stable)`);
  const versions = options.version !== undefined ? [options.version] : [...served.keys()].sort((a, b) => b - a);
  const events = await deps.registry.auditLog(model);
  const histories = await Promise.all(deployments.map(async (d) => ({ name: d.name, events: await deps.deployments.history(d.name) })));
  const chains: VersionChain[] = [];
  for (const v of versions) {
    const mv = await deps.registry.getVersion(model, v);
    chains.push(await versionChain(deps, mv, served.get(v) ?? [], events, histories));
  }
  return { model, generatedAt: options.now ?? Date.now(), ...(policy ? { policy: policy.key } : {}), versions: chains };
}

async function versionChain(
  deps: AuditChainDeps, mv: ModelVersion, servedAs: readonly string[], events: readonly AuditEvent[],
  histories: readonly { name: string; events: readonly { kind: string; at: number; actor: string; reason?: string; from?: TrafficPolicy; to: TrafficPolicy }[] }[],
): Promise<VersionChain> {
  const policy = policyFor(deps.config, mv.name);
  const v = String(mv.version);
  const evaluation = (await evaluationRunsOf(deps.tracking, mv))[0];
  const data = await Promise.all((await dataVersionsOf(deps.registry, deps.tracking, mv)).map(async (d) => {
    const run = (await validationRunsOf(deps.tracking, d.digest))[0];
    return { ...d, ...(run ? { validation: { ...runLink(run), passed: validationPassed(run) } } : {}) };
  }));
  const canary = histories.flatMap((h) => h.events
    .filter((e) => e.to.candidates.some((c) => c.version === v) || e.to.mirror?.version === v || (e.to.stable === v && e.from?.stable !== v))
    .map((e) => ({ deployment: h.name, kind: e.kind, at: e.at, actor: e.actor, ...(e.reason ? { reason: e.reason } : {}), policy: policyText(e.to) })));
  const promotion = events.filter((e) => PROMOTION_ACTIONS.has(e.action) && (e.version === mv.version || (e.deployment !== undefined && e.action !== 'policy.override' && stableIn(e.to) === v && stableIn(e.from) !== v)));
  return {
    version: mv.version,
    createdAt: mv.creationTimestamp,
    servedAs,
    trigger: (await deps.triggers?.triggerOf(mv)) ?? { kind: 'manual/unknown', detail: 'no retraining record names this version (registered by hand, or before retraining records existed)' },
    data,
    ...(await trainingLink(deps.tracking, mv)),
    ...(evaluation ? {
      evaluation: {
        ...runLink(evaluation),
        metrics: Object.fromEntries(evaluation.data.metrics.filter((m) => !m.key.startsWith('slice.')).map((m) => [m.key, m.value])),
        gates: parseGateTag(evaluation.data.tags[EVALUATION_TAGS.gates] ?? ''),
      },
    } : {}),
    checks: policy ? await checkPolicy(deps, policy, mv) : [],
    approvals: await deps.store.approvals(mv.name, mv.version),
    canary,
    promotion,
  };
}

async function trainingLink(tracking: TrackingStore, mv: ModelVersion): Promise<Pick<VersionChain, 'training'>> {
  if (!mv.runId) return {};
  try {
    const run = await tracking.getRun(mv.runId);
    const commit = run.data.tags['paddock.git.commit'] ?? run.data.tags['mlflow.source.git.commit'] ?? mv.tags['paddock.git.commit'];
    return { training: { ...runLink(run), params: Object.fromEntries(run.data.params.map((p) => [p.key, p.value])), ...(commit ? { gitCommit: commit } : {}) } };
  } catch (err) {
    if (isPaddockError(err, 'NOT_FOUND')) return {};
    throw err;
  }
}

function runLink(run: { info: { runId: string; experimentId: string; runName: string; userId: string; startTime: number; status: string } }): RunLink {
  const i = run.info;
  return { runId: i.runId, experimentId: i.experimentId, name: i.runName, user: i.userId, at: i.startTime, status: i.status };
}

/** The stable version in an audit entry's policy text (`stable 2, canary 3@10%`). */
function stableIn(text: string | undefined): string | undefined {
  return text ? /^stable (\S+?)(,|$)/.exec(text)?.[1] : undefined;
}

/** `stable 1, canary 2@25%, mirror 3@100%`, as the audit log writes policies. */
function policyText(p: TrafficPolicy): string {
  const parts = [`stable ${p.stable}`, ...p.candidates.map((c) => `canary ${c.version}@${c.weight}%`)];
  if (p.mirror) parts.push(`mirror ${p.mirror.version}@${p.mirror.percent}%`);
  return parts.join(', ');
}
