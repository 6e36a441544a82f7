/**
 * Wire shapes of GET /api/v1/pipeline and /api/v1/pipeline/stages/{name}/log: declared once
 * here, used by the route (pipeline-view.ts) and by the web UI (`import type`). Types only:
 * no imports, no runtime code, so the browser build and its DOM-only tsconfig read it as is.
 */
/** A stage as the Pipelines page shows it. */
export type StageState = 'up to date' | 'changed' | 'running' | 'failed';
/** How a stage's last run ended, from its log's closing line. */
export type RunState = 'never run' | 'running' | 'finished' | 'failed';

/** One stage of the pipeline. */
export interface PipelineStageView {
  readonly name: string;
  /** The dvc.yaml defining it, relative to the project root. */
  readonly file: string;
  readonly desc?: string;
  readonly cmd: readonly string[];
  readonly deps: readonly string[];
  readonly params: readonly string[];
  readonly outs: readonly { readonly path: string; readonly kind: 'outs' | 'metrics' | 'plots' }[];
  readonly frozen: boolean;
  readonly state: StageState;
  readonly lastRun: RunState;
  /** Why the stage is changed, in DVC's words (`deps: data.csv modified`, `cmd changed`…). */
  readonly reasons: readonly string[];
}

/** GET /api/v1/pipeline: the DAG with each stage's status. */
export interface PipelineView {
  readonly stages: readonly PipelineStageView[];
  /** Producer → consumer, by stage name. */
  readonly edges: readonly { readonly from: string; readonly to: string }[];
}

/** The last run of a stage, from `.paddock/logs`. */
export interface StageLogView {
  readonly stage: string;
  readonly state: RunState;
  readonly text: string;
  /** True when only the last 256 KiB (MAX_LOG_BYTES of pipeline-view.ts) are in `text`. */
  readonly truncated: boolean;
  readonly size: number;
  readonly modified?: number;
}
