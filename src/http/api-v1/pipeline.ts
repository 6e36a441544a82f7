import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ServerContext } from '../context.js';
import { pipelineView, stageLogView } from './pipeline-view.js';
import { projectOf } from './project-of.js';
import { params } from './validate.js';

const stageParams = z.object({ name: z.string().min(1) });

/** The project's pipeline (dvc.yaml): its DAG with each stage's status, and each stage's last log. */
export function pipelineV1(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/pipeline', async () => pipelineView(projectOf(ctx)));
  app.get('/pipeline/stages/:name/log', async (req) => stageLogView(projectOf(ctx), params(req, stageParams).name));
}
