/** The shapes GET /api/v1/pipeline and /api/v1/pipeline/stages/{name}/log answer, declared once in src/http/api-v1/wire/pipeline.ts. */
export type { PipelineStageView as PipelineStage, PipelineView as Pipeline, RunState, StageLogView as StageLog, StageState } from '../../../../src/http/api-v1/wire/pipeline';

/** The badge and graph colour of each state. */
export const STATE_TONE = { 'up to date': 'good', changed: 'warn', running: 'running', failed: 'bad' } as const;
