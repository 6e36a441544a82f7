/**
 * Deployments: a named endpoint serving versions of one registered model under a traffic policy
 * (stable, weighted canaries sticky by a request key, a shadow mirror). Stored in the metadata
 * store behind DeploymentStore; every change is an event in the deployment's history.
 */

/** A candidate version and the percent of traffic it takes (0–100). */
export interface CandidateWeight {
  readonly version: string;
  readonly weight: number;
}

/** Which versions answer which requests. Versions are registry version numbers as strings. */
export interface TrafficPolicy {
  /** Answers every request no candidate takes. */
  readonly stable: string;
  /** Weighted candidates (canaries); their weights sum to at most 100. */
  readonly candidates: readonly CandidateWeight[];
  /** A percent of requests copied to this version asynchronously; its answers are logged, never returned. */
  readonly mirror?: { readonly version: string; readonly percent: number };
  /** Keeps one caller on one version: hash of this header's value, or of this input column's value. */
  readonly sticky?: { readonly header: string } | { readonly column: string };
}

/** Flagger-style automatic analysis of the first candidate against stable. */
export interface AnalysisConfig {
  readonly intervalSeconds: number;
  /** Candidate weights to step through, e.g. [10, 25, 50, 100]; after the last, promote. */
  readonly stepWeights: readonly number[];
  /** Failed checks before rolling back. */
  readonly threshold: number;
  /** Requests the candidate needs in an interval before it is judged. */
  readonly minSamples: number;
  /** Minimum candidate success rate (0–1), default 0.99. */
  readonly successRate: number;
  /** Maximum candidate p99 latency in ms, default 500. */
  readonly p99LatencyMs: number;
  /** What an interval without enough samples counts as. */
  readonly noData: 'hold' | 'fail' | 'pass';
  /**
   * Minimum shadow agreement (0–1): of the rows stable answered and mirrored to the candidate, the
   * share whose candidate answer agreed (same label; regression: |Δ| within the tolerance). Judged
   * when set; absent in configs stored before it existed.
   */
  readonly minAgreement?: number;
  /** Regression: maximum mean |candidate − stable| over the mirrored rows. Judged when set. */
  readonly maxMeanAbsDelta?: number;
  /**
   * Maximum shift (0–1) of the canary's predicted-label distribution from stable's in the interval:
   * the total variation distance between the two label shares. Judged when set.
   */
  readonly maxLabelShift?: number;
}

/** A stored deployment. */
export interface Deployment {
  readonly name: string;
  /** The registered model whose versions it serves. */
  readonly model: string;
  readonly policy: TrafficPolicy;
  readonly analysis?: AnalysisConfig;
  /** Incremented on every change (optimistic concurrency). */
  readonly revision: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** What happened to a deployment, with why and by whom. */
export type DeploymentEventKind = 'created' | 'set' | 'step' | 'promoted' | 'rolled-back' | 'analysis' | 'deleted';

export interface DeploymentEvent {
  readonly deployment: string;
  readonly revision: number;
  readonly at: number;
  readonly kind: DeploymentEventKind;
  readonly actor: string;
  readonly reason?: string;
  readonly from?: TrafficPolicy;
  readonly to: TrafficPolicy;
}

/**
 * The port; adapters: SqlDeploymentStore (sqlite, postgres). Every change (create, update,
 * delete) is one history event and one `deployment.*` entry in the registry's audit log of the
 * deployment's model, both committed with the change.
 */
export interface DeploymentStore {
  create(input: { name: string; model: string; policy: TrafficPolicy; analysis?: AnalysisConfig }, by: { actor: string; reason?: string }): Promise<Deployment>;
  get(name: string): Promise<Deployment>;
  list(): Promise<Deployment[]>;
  /** Replaces the policy (and analysis) if `expectedRevision` still matches; records one event. */
  update(name: string, change: { policy: TrafficPolicy; analysis?: AnalysisConfig | null; kind: DeploymentEventKind; expectedRevision?: number }, by: { actor: string; reason?: string }): Promise<Deployment>;
  /** Events, oldest first. */
  history(name: string): Promise<DeploymentEvent[]>;
  delete(name: string, by: { actor: string; reason?: string }): Promise<void>;
}
