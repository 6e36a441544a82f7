import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ServerContext } from '../context.js';
import { parseBatch } from '../mlflow/batch.js';
import { body, params, tagsSchema, viewTypeSchema } from './validate.js';
import { READ } from '../auth/roles.js';

const idParams = z.object({ id: z.string().min(1) });
const createBody = z.object({
  experimentId: z.string().min(1),
  runName: z.string().optional(),
  userId: z.string().optional(),
  startTime: z.number().int().optional(),
  tags: tagsSchema.optional(),
  parentRunId: z.string().optional(),
});
const patchBody = z.object({ status: z.enum(['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED']).optional(), endTime: z.number().int().optional(), runName: z.string().optional() });
const searchBody = z.object({
  experimentIds: z.array(z.string()),
  filter: z.string().optional(),
  viewType: viewTypeSchema.optional(),
  maxResults: z.number().int().positive().max(50_000).optional(),
  orderBy: z.array(z.string()).optional(),
  pageToken: z.string().optional(),
});

/** Paddock's runs API. */
export function runsV1(app: FastifyInstance, ctx: ServerContext): void {
  app.post('/runs', async (req, reply) => reply.code(201).send(await ctx.tracking.createRun(body(req, createBody))));
  app.get('/runs/:id', async (req) => ctx.tracking.getRun(params(req, idParams).id));
  app.patch('/runs/:id', async (req) => ctx.tracking.updateRun(params(req, idParams).id, body(req, patchBody)));
  app.delete('/runs/:id', async (req, reply) => {
    await ctx.tracking.deleteRun(params(req, idParams).id);
    return reply.code(204).send();
  });
  app.post('/runs/search', READ, async (req) => ctx.tracking.searchRuns(body(req, searchBody)));
  // Same body as MLflow's log-batch (metrics [{key,value,timestamp,step}], params, tags as lists).
  app.post('/runs/:id/log-batch', async (req, reply) => {
    const { id } = params(req, idParams);
    const batch = parseBatch({ ...(req.body as object), run_id: id }, ctx.limits.maxBatchMetrics);
    await ctx.tracking.logBatch(id, batch);
    return reply.code(204).send();
  });
}
