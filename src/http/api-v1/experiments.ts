import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ServerContext } from '../context.js';
import { body, params, query, queryInt, queryList, tagsSchema, viewTypeSchema } from './validate.js';

const idParams = z.object({ id: z.string().min(1) });
const createBody = z.object({ name: z.string().min(1), artifactLocation: z.string().optional(), tags: tagsSchema.optional() });
const searchQuery = z.object({ filter: z.string().optional(), view_type: viewTypeSchema.optional(), max_results: queryInt.optional(), order_by: queryList.optional(), page_token: z.string().optional() });
const patchBody = z.object({ name: z.string().min(1) });

/** Paddock's experiments API: the domain objects as they are, camelCase. */
export function experimentsV1(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/experiments', async (req) => {
    const q = query(req, searchQuery);
    return ctx.tracking.searchExperiments({ filter: q.filter, viewType: q.view_type, maxResults: q.max_results, orderBy: q.order_by, pageToken: q.page_token });
  });
  app.post('/experiments', async (req, reply) => {
    const b = body(req, createBody);
    const experimentId = await ctx.tracking.createExperiment(b);
    return reply.code(201).send(await ctx.tracking.getExperiment(experimentId));
  });
  app.get('/experiments/:id', async (req) => ctx.tracking.getExperiment(params(req, idParams).id));
  app.patch('/experiments/:id', async (req) => {
    const { id } = params(req, idParams);
    await ctx.tracking.renameExperiment(id, body(req, patchBody).name);
    return ctx.tracking.getExperiment(id);
  });
  app.delete('/experiments/:id', { config: { access: 'admin' } }, async (req, reply) => {
    await ctx.tracking.deleteExperiment(params(req, idParams).id);
    return reply.code(204).send();
  });
  app.post('/experiments/:id/restore', async (req) => {
    const { id } = params(req, idParams);
    await ctx.tracking.restoreExperiment(id);
    return ctx.tracking.getExperiment(id);
  });
  // Permanent, and frees the name: MLflow has no REST call for it (`mlflow gc` does it offline).
  app.post('/experiments/:id/purge', { config: { access: 'admin' } }, async (req, reply) => {
    await ctx.tracking.purgeExperiment(params(req, idParams).id);
    return reply.code(204).send();
  });
}
