/** The tracking capability's public surface. */
export type * from './model.js';
export type { ExperimentColumns, TrackingStore } from './tracking-store.js';
export type * from './search/ast.js';
export * from './search/index.js';
export { STAGE_ENV, paramValue, readRunContext, runContextInputs, runContextParams, runContextTags, type ReproStageContext, type StageDep } from './run-context.js';
