/** Promotion policies: the checks a version needs before it serves production, and their enforcement. */
export { VALIDATION_EXPERIMENT, VALIDATION_TAGS, EVALUATION_TAGS, sliceMetricKey, packageHashOfSource } from './evidence-tags.js';
export { policyFor, guards, targetText, type PromotionConfig, type PromotionPolicy, type PromotionTarget, type SliceBound } from './promotion-policy.js';
export type { Approval, PolicyOverride, PromotionStore } from './promotion-store.js';
export { dataVersionsOf, validationRunsOf, validationPassed, evaluationRunsOf, type DataVersion } from './evidence.js';
export { checkPromotion, checkPolicy, parseGateTag, type PromotionCheck, type PromotionCheckDeps } from './check-promotion.js';
export { enforcePromotion, withPromotionPolicy, withPromotionPolicyDeployments, type PromotionGuardDeps } from './promotion-guard.js';
export { approveVersion } from './approve-version.js';
