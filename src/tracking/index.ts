/** The tracking capability's public surface. */
export type * from './model.js';
export type { TrackingStore } from './tracking-store.js';
