/** The registry capability's public surface. */
export type * from './model.js';
export type { RegistryStore, Actor } from './registry-store.js';
