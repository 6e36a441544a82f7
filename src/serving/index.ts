/** Serving: the model pool (loading, hot swap, leases) and the inference protocols built on it. */
export type { PackageResolver, ServedModelInfo, ModelLease } from './ports.js';
export { ModelPool, type ModelPoolOptions, type PoolEvent, type PoolChange, type ServedModelStatus } from './model-pool.js';
export * from './protocols/index.js';
