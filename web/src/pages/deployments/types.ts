/** The deployment API's answers as the pages read them (src/http/api-v1/deployments.ts, deployment-stats.ts). */
export interface TrafficPolicy {
  readonly stable: string;
  readonly candidates: readonly { readonly version: string; readonly weight: number }[];
  readonly mirror?: { readonly version: string; readonly percent: number };
  readonly sticky?: { readonly header: string } | { readonly column: string };
}

export interface Deployment {
  readonly name: string;
  readonly model: string;
  readonly policy: TrafficPolicy;
  readonly analysis?: Record<string, unknown>;
  readonly revision: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface DeploymentEvent {
  readonly deployment: string;
  readonly revision: number;
  readonly at: number;
  readonly kind: string;
  readonly actor: string;
  readonly reason?: string;
  readonly from?: TrafficPolicy;
  readonly to: TrafficPolicy;
}

export type { DeploymentStats, VariantTraffic } from '../../../../src/http/api-v1/wire/deployment-stats';

/** Percent of requests stable answers: what the canaries leave. */
export function stablePercent(policy: TrafficPolicy): number {
  return Math.max(0, 100 - policy.candidates.reduce((sum, c) => sum + c.weight, 0));
}

/** The actor the automatic canary analysis writes as (src/serving/deployment/canary-analysis.ts). */
export const ANALYSIS_ACTOR = 'paddock-analysis';
