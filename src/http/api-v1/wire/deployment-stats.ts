/**
 * Wire shape of GET /api/v1/deployments/{name}/stats: declared once here, used by the route
 * (deployment-stats.ts) and by the web UI (`import type`). Types only: no imports, no runtime code.
 */
/** One variant's (and version's) traffic in the window. */
export interface VariantTraffic {
  readonly variant: string;
  readonly version: string;
  /** Its share of requests in the policy now (percent; the mirror's copy percent for the shadow; 0 for a version no longer in the policy). */
  readonly percent: number;
  readonly requests: number;
  readonly requestsPerSecond: number;
  /** Null where the source cannot know (the prediction log holds answered requests only). */
  readonly errors: number | null;
  readonly errorRate: number | null;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
}

/** GET /api/v1/deployments/{name}/stats: a deployment's recent traffic per variant. */
export interface DeploymentStats {
  readonly deployment: string;
  readonly since: number;
  readonly until: number;
  readonly windowMs: number;
  /** `serving`: this process serves it; `prediction-log`: derived from the log; `none`: neither is available. */
  readonly source: 'serving' | 'prediction-log' | 'none';
  readonly notes: readonly string[];
  readonly variants: readonly VariantTraffic[];
  /** Mirrored requests compared with the primary's answers (serving source with a mirror only). */
  readonly shadow: { readonly version: string; readonly requests: number; readonly errors: number; readonly rows: number; readonly agreement: number; readonly meanAbsDelta: number | null } | null;
}
