/** Serving: the model pool (loading, hot swap, leases) and the inference protocols built on it. */
export type { PackageResolver, ServedModelInfo, ModelLease } from './ports.js';
export { ModelPool, type ModelPoolOptions, type PoolEvent, type PoolChange, type ServedModelStatus, type ServeModelOptions } from './model-pool.js';
export * from './protocols/index.js';
export type { CandidateWeight, TrafficPolicy, AnalysisConfig, Deployment, DeploymentEventKind, DeploymentEvent, DeploymentStore } from './deployment/deployment.js';
export { validatePolicy, promote, rollback, stableWeight, checkDeploymentName, MAX_DEPLOYMENT_NAME_LENGTH, policyFieldNames, type PolicyFieldNames } from './deployment/policy.js';
export { DeploymentService, type DeploymentServiceDeps, type PolicyChange, type DeploymentChange, type DeploymentStatus, type ServedVersionInfo } from './deployment/deployment-service.js';
export { DeploymentRouter, internalName, type DeploymentRouterOptions, type RoutedDeployment, type RouteResult, type PrimaryAnswer, type ShadowListener } from './deployment/router.js';
export { fnv1a, hashKey, stickyBucket, stickyKey, chooseVariant, policyVersions, type RoutableRequest, type VariantChoice } from './deployment/router-buckets.js';
export { comparePredictions, comparedOutput, type ShadowRecord, type ShadowComparison, type ShadowAnswer } from './deployment/shadow.js';
export { followDeployments, type FollowOptions } from './deployment/follow-deployments.js';
export { ForwardingVariantStats, applyVariantBatch, type VariantBatch, type ForwardingOptions } from './deployment/forwarded-variant-stats.js';
export { VariantStats, percentile, labelShift, type VariantOutcome, type VariantSummary, type VariantStatsOptions, type LabelCounts } from './deployment/variant-stats.js';
export type { ShadowSummary } from './deployment/shadow-stats.js';
export { CanaryAnalysis, judge, judgeShadow, resolveAnalysisConfig, ANALYSIS_ACTOR, DEFAULT_ANALYSIS, type AnalysisDecision, type CanaryAnalysisOptions, type AnalysisFieldNames } from './deployment/canary-analysis.js';
export {
  buildKubernetesManifests, renderKubernetesYaml, kubernetesName, DEFAULT_SCALING, SERVING_PORT, METADATA_SECRET, METADATA_SECRET_KEY, ARTIFACTS_SECRET, DEPLOYMENT_ANNOTATION, MODEL_ANNOTATION,
  type KubernetesManifest, type KubernetesManifestOptions, type KubernetesScaling, type KubernetesResources,
} from './kubernetes/manifests.js';
export { replayTraffic, type ReplayOptions, type ReplaySummary } from './replay/replay-traffic.js';
export { AdaptiveBatcher, checkBatchingOptions, type BatchingOptions, type BatcherTarget } from './batching/adaptive-batcher.js';
