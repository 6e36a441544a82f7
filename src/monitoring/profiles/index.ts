/** Mergeable per-window column profiles: numeric and categorical column profiles, their sketches, the table builder and reference profiles. */
export { ProfileBuilder, type ColumnBatch, type MaskedNumbers, type ProfileSummary } from './profile-builder.js';
export { buildReferenceProfile, REFERENCE_BINS, REFERENCE_CATEGORIES, type ReferenceProfileOptions } from './reference-profile.js';
export {
  profileSpec, specFromSchema, assertSameSpec, DEFAULT_SKETCH_OPTIONS, MAX_CATEGORIES,
  type ProfileSpec, type ColumnSpec, type NumericColumnSpec, type CategoricalColumnSpec, type SketchOptions,
} from './profile-spec.js';
export { NumericProfile, SUMMARY_QUANTILES, quantileName, type NumericSummary, type NumericProfileJson } from './numeric-profile.js';
export { CategoricalProfile, SUMMARY_TOP, type CategoricalSummary, type CategoryCount, type CategoricalProfileJson } from './categorical-profile.js';
export { parseProfileJson, PROFILE_FORMAT, PROFILE_VERSION, type ProfileJson } from './profile-json.js';
export { KllSketch, KLL_K, type KllJson } from './kll-sketch.js';
export { HyperLogLog, HLL_PRECISION, hashNumber, hashString } from './hyperloglog.js';
export { HeavyHitters, HEAVY_HITTERS, type HeavyHittersJson } from './heavy-hitters.js';
export {
  profileColumns, formatMonitoringProfile, parseMonitoringProfile, MONITORING_PROFILE_FORMAT, MONITORING_PROFILE_VERSION, EXACT_VALUES,
  type ProfiledColumn, type ProfileSection, type MonitoringProfile,
} from './monitoring-profile.js';
