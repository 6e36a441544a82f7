/** The shapes GET /api/v1/pipeline and /api/v1/pipeline/stages/{name}/log answer (src/http/api-v1/pipeline-view.ts). */
export type StageState = 'up to date' | 'changed' | 'running' | 'failed';
export type RunState = 'never run' | 'running' | 'finished' | 'failed';

export interface PipelineStage {
  readonly name: string;
  readonly file: string;
  readonly desc?: string;
  readonly cmd: readonly string[];
  readonly deps: readonly string[];
  readonly params: readonly string[];
  readonly outs: readonly { readonly path: string; readonly kind: 'outs' | 'metrics' | 'plots' }[];
  readonly frozen: boolean;
  readonly state: StageState;
  readonly lastRun: RunState;
  readonly reasons: readonly string[];
}

export interface Pipeline {
  readonly stages: readonly PipelineStage[];
  readonly edges: readonly { readonly from: string; readonly to: string }[];
}

export interface StageLog {
  readonly stage: string;
  readonly state: RunState;
  readonly text: string;
  readonly truncated: boolean;
  readonly size: number;
  readonly modified?: number;
}

/** The badge and graph colour of each state. */
export const STATE_TONE = { 'up to date': 'good', changed: 'warn', running: 'running', failed: 'bad' } as const;
