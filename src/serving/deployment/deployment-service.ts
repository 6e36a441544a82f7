import { fail, isPaddockError } from '../../core/errors.js';
import type { Actor, ModelVersionStatus, RegistryStore } from '../../registry/index.js';
import { DEFAULT_ANALYSIS, resolveAnalysisConfig, type AnalysisFieldNames } from './canary-analysis.js';
import type { AnalysisConfig, CandidateWeight, Deployment, DeploymentEvent, DeploymentStore, TrafficPolicy } from './deployment.js';
import { checkDeploymentName, policyFieldNames, promote, rollback, stableWeight, validatePolicy, type PolicyFieldNames } from './policy.js';

/** The ports the deployment use-cases work over. */
export interface DeploymentServiceDeps {
  readonly deployments: DeploymentStore;
  readonly registry: RegistryStore;
}

/** What `set` changes; a key left out keeps its current value, `null` removes it. */
export interface PolicyChange {
  readonly stable?: string;
  readonly candidates?: readonly CandidateWeight[];
  readonly mirror?: TrafficPolicy['mirror'] | null;
  readonly sticky?: TrafficPolicy['sticky'] | null;
}

/**
 * What `update` changes: the policy parts as in `set`, and the canary analysis: the fields given
 * over the current config (or the defaults when there is none), `null` removes it.
 */
export interface DeploymentChange extends PolicyChange {
  readonly analysis?: Partial<AnalysisConfig> | null;
}

/** One version a deployment serves, with its share and what the registry knows of it. */
export interface ServedVersionInfo {
  readonly version: string;
  readonly role: 'stable' | 'candidate' | 'mirror';
  /** Percent of requests it answers (stable, candidates) or receives as copies (mirror). */
  readonly percent: number;
  readonly source?: string;
  readonly status?: ModelVersionStatus;
  /** The registry no longer has this version (deleted after the deployment named it). */
  readonly missing?: true;
}

/** A deployment with its traffic split resolved against the registry. */
export interface DeploymentStatus {
  readonly deployment: Deployment;
  readonly versions: readonly ServedVersionInfo[];
}

/** Options of the writing use-cases. */
export interface WriteOptions {
  /** Fail with a conflict unless the deployment is still at this revision. */
  readonly expectedRevision?: number;
  /** What to call each part of the policy in errors (the CLI passes its flags). */
  readonly where?: string | PolicyFieldNames;
  /** What to call each analysis field in errors (default `analysis.<field>`; the CLI passes its flags). */
  readonly analysisFields?: Partial<AnalysisFieldNames>;
}

/**
 * The deployment use-cases: create, set (and update: set plus the analysis), promote, rollback,
 * status, history, list, delete.
 * Every version a policy names must exist in the registry under the deployment's model. Each
 * write is one store update guarded by the revision the decision was made on, so a concurrent
 * change makes it fail (CONFLICT) instead of being overwritten.
 * The store records each change in the deployment's history and, in the same transaction, in the
 * registry's audit log of the deployment's model (`deployment.created`, `deployment.promoted`, …).
 */
export class DeploymentService {
  constructor(private readonly deps: DeploymentServiceDeps) {}

  /**
   * A new deployment of `model`; NOT_FOUND naming the model or a version the registry lacks. The
   * analysis fields given are filled from DEFAULT_ANALYSIS and checked.
   */
  async create(input: { name: string; model: string; policy: TrafficPolicy; analysis?: Partial<AnalysisConfig> }, by: Actor, options: WriteOptions = {}): Promise<Deployment> {
    checkDeploymentName(input.name);
    const where = options.where ?? 'policy';
    const policy = validatePolicy(input.policy, where);
    const analysis = input.analysis ? resolveAnalysisConfig(input.analysis, DEFAULT_ANALYSIS, options.analysisFields) : undefined;
    await this.deps.registry.getModel(input.model);
    await this.checkVersions(input.model, policy, where);
    return this.deps.deployments.create({ name: input.name, model: input.model, policy, ...(analysis ? { analysis } : {}) }, by);
  }

  /**
   * `set`, and a change of the analysis recorded as its own 'analysis' event after it: each part
   * given is changed, the rest kept. Everything is checked before anything is written; the analysis
   * write is guarded by the revision the policy write produced.
   */
  async update(name: string, change: DeploymentChange, by: Actor, options: WriteOptions = {}): Promise<Deployment> {
    const { analysis, ...policyChange } = change;
    const changesPolicy = Object.values(policyChange).some((v) => v !== undefined);
    if (!changesPolicy && analysis === undefined) fail('INVALID_ARGUMENT', 'nothing to change: give stable, candidates, mirror, sticky or analysis', { field: 'change' });
    const current = await this.deps.deployments.get(name);
    const resolved = analysis ? resolveAnalysisConfig(analysis, current.analysis ?? DEFAULT_ANALYSIS, options.analysisFields) : analysis;
    const out = changesPolicy ? await this.set(name, policyChange, by, options) : current;
    if (resolved === undefined) return out;
    const expectedRevision = changesPolicy ? out.revision : (options.expectedRevision ?? out.revision);
    return this.deps.deployments.update(name, { policy: out.policy, analysis: resolved, kind: 'analysis', expectedRevision }, by);
  }

  /** Changes the stable version, candidate weights, mirror or sticky key (kept when left out). */
  async set(name: string, change: PolicyChange, by: Actor, options: WriteOptions = {}): Promise<Deployment> {
    const current = await this.deps.deployments.get(name);
    const where = options.where ?? 'policy';
    const merged = mergePolicy(current.policy, change);
    const policy = validatePolicy(merged, where);
    await this.checkVersions(current.model, policy, where);
    return this.write(current, policy, 'set', by, options);
  }

  /** The first candidate becomes stable and takes all traffic. */
  async promote(name: string, by: Actor, options: WriteOptions = {}): Promise<Deployment> {
    const current = await this.deps.deployments.get(name);
    const policy = promote(current.policy);
    await this.checkVersions(current.model, policy, options.where ?? 'policy');
    return this.write(current, policy, 'promoted', by, options);
  }

  /**
   * All traffic to the previous stable version: the stable of the newest event whose stable
   * differs from the current one. With no earlier stable, a rollback aborts the candidates and
   * keeps stable; with no candidates either, there is nothing to roll back (INVALID_STATE).
   */
  async rollback(name: string, by: Actor, options: WriteOptions = {}): Promise<Deployment> {
    const current = await this.deps.deployments.get(name);
    const events = await this.deps.deployments.history(name);
    const previous = previousStable(current, events);
    if (previous === undefined && current.policy.candidates.length === 0 && !current.policy.mirror) {
      fail('INVALID_STATE', `deployment '${name}' has nothing to roll back to: it has always served version ${current.policy.stable} and has no candidates`, { name });
    }
    const policy = rollback(current.policy, previous ?? current.policy.stable);
    await this.checkVersions(current.model, policy, options.where ?? 'policy');
    return this.write(current, policy, 'rolled-back', by, options);
  }

  /** The deployment and each version it serves, with its share of traffic. */
  async status(name: string): Promise<DeploymentStatus> {
    const deployment = await this.deps.deployments.get(name);
    const { policy } = deployment;
    const shares: { version: string; role: ServedVersionInfo['role']; percent: number }[] = [
      { version: policy.stable, role: 'stable', percent: stableWeight(policy) },
      ...policy.candidates.map((c) => ({ version: c.version, role: 'candidate' as const, percent: c.weight })),
      ...(policy.mirror ? [{ version: policy.mirror.version, role: 'mirror' as const, percent: policy.mirror.percent }] : []),
    ];
    const versions = await Promise.all(shares.map(async (s): Promise<ServedVersionInfo> => {
      try {
        const mv = await this.deps.registry.getVersion(deployment.model, Number(s.version));
        return { ...s, source: mv.source, status: mv.status };
      } catch (err) {
        if (isPaddockError(err, 'NOT_FOUND') || isPaddockError(err, 'INVALID_ARGUMENT')) return { ...s, missing: true };
        throw err;
      }
    }));
    return { deployment, versions };
  }

  get(name: string): Promise<Deployment> {
    return this.deps.deployments.get(name);
  }

  /** Every change, oldest first. */
  history(name: string): Promise<DeploymentEvent[]> {
    return this.deps.deployments.history(name);
  }

  list(): Promise<Deployment[]> {
    return this.deps.deployments.list();
  }

  delete(name: string, by: Actor): Promise<void> {
    return this.deps.deployments.delete(name, by);
  }

  private write(current: Deployment, policy: TrafficPolicy, kind: 'set' | 'promoted' | 'rolled-back', by: Actor, options: WriteOptions): Promise<Deployment> {
    // Guard with the revision this decision was computed from, unless the caller pinned one.
    const expectedRevision = options.expectedRevision ?? current.revision;
    return this.deps.deployments.update(current.name, { policy, kind, expectedRevision }, by);
  }

  /** NOT_FOUND naming the first version of `policy` the registry does not have under `model`. */
  private async checkVersions(model: string, policy: TrafficPolicy, where: string | PolicyFieldNames): Promise<void> {
    const names = policyFieldNames(where);
    const named: [string, string][] = [
      [policy.stable, names.stable],
      ...policy.candidates.map((c): [string, string] => [c.version, names.candidates]),
      ...(policy.mirror ? [[policy.mirror.version, names.mirror] as [string, string]] : []),
    ];
    for (const [version, field] of named) {
      const n = Number(version);
      if (!/^[0-9]+$/.test(version) || !Number.isSafeInteger(n) || n < 1) {
        fail('INVALID_ARGUMENT', `${field}: '${version}' is not a version number; registry versions are 1, 2, 3, …`, { field, version });
      }
      try {
        await this.deps.registry.getVersion(model, n);
      } catch (err) {
        if (!isPaddockError(err, 'NOT_FOUND')) throw err;
        fail('NOT_FOUND', `${field}: registered model '${model}' has no version ${version}; \`paddock models versions ${model}\` lists them`, { field, model, version });
      }
    }
  }
}

function mergePolicy(current: TrafficPolicy, change: PolicyChange): Record<string, unknown> {
  const pick = <K extends 'mirror' | 'sticky'>(key: K) => (change[key] === undefined ? current[key] : change[key] ?? undefined);
  const mirror = pick('mirror');
  const sticky = pick('sticky');
  return {
    stable: change.stable ?? current.stable,
    candidates: change.candidates ?? current.candidates,
    ...(mirror ? { mirror } : {}),
    ...(sticky ? { sticky } : {}),
  };
}

/** The stable of the newest event (since creation) whose stable differs from the current one. */
function previousStable(current: Deployment, events: readonly DeploymentEvent[]): string | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if (e.to.stable !== current.policy.stable) return e.to.stable;
    // Events before the newest 'created' belong to an earlier deployment of the same name.
    if (e.kind === 'created') break;
  }
  return undefined;
}
