/**
 * The pipeline capability's public surface: other capabilities and the entry layers import
 * only from here.
 */
export type { Stage, OutSpec, ParamSpec, Pipeline, LockEntry, LockStage, TopLevelDeclaration } from './model.js';
export { loadPipeline, loadPipelineFrom } from './definition/load-pipeline.js';
export { workspaceTree, revisionTree, type Tree } from './definition/tree.js';
export { buildDag, type Dag, type TrackedPath } from './dag/build-dag.js';
export { renderDag, type DagFormat } from './dag/render-dag.js';
export { readParams } from './params/read-params.js';
export { parseParamsText, getDotted } from './params/params-file.js';
export { paramsDiff, type ParamsDiff } from './params/params-diff.js';
export { showMetrics, type MetricsShow } from './metrics/metrics-show.js';
export { metricsDiff, type MetricsDiff } from './metrics/metrics-diff.js';
export { showPlots, type PlotsShowResult } from './plots/plots-show.js';
export { listStages, type StageSummary } from './definition/list-stages.js';
export { repro, type ReproOptions, type ReproResult } from './repro/repro.js';
export type { ReproEvent, StageOutcome, StageResult } from './repro/events.js';
export { pipelineStatus, type PipelineStatus } from './status/pipeline-status.js';
export { toDvcStatus, addressingOf, type StageStatus, type PathState, type ParamState } from './status/stage-status.js';
export type { Executor, ExecOptions, ExecResult, OutputStream } from './executor/executor.js';
export { ShellExecutor } from './executor/shell-executor.js';
export { LockStore } from './lock/lock-store.js';
export { readLockFile, lockPathFor, type LockFile } from './lock/lock-file.js';
export { stageLogPath } from './repro/stage-log.js';
