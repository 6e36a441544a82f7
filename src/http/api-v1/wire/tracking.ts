/**
 * Wire shapes of /api/v1/experiments and /api/v1/runs: the routes answer the tracking domain's
 * objects as they are, so the wire type is the domain type, re-exported for the web UI
 * (`import type`). src/tracking/model.ts imports nothing and holds no runtime code; keep it so
 * (`npx tsc -p web/tsconfig.json` checks it without node types).
 */
export type { DatasetInput, Experiment, LifecycleStage, Metric, MetricSeries, Page, Param, Run, RunInfo, RunStatus, Tags } from '../../../tracking/model.js';
