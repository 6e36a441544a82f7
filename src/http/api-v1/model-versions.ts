import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { lineageOf } from '../../registry/index.js';
import type { ServerContext } from '../context.js';
import { params, query, queryInt } from './validate.js';

const nameParams = z.object({ name: z.string().min(1) });
const versionParams = z.object({ name: z.string().min(1), version: z.coerce.number().int().positive() });
const pageQuery = z.object({ max_results: queryInt.pipe(z.number().int().min(1).max(1000)).optional(), page_token: z.string().optional() });

/** A model's versions (newest first) and a version's lineage: run, params, metrics, data inputs, git commit and stage. */
export function modelVersionsV1(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/models/:name/versions', async (req) => {
    const { name } = params(req, nameParams);
    const q = query(req, pageQuery);
    await ctx.registry.getModel(name); // NOT_FOUND names the model rather than answering an empty list
    return ctx.registry.searchVersions({ filter: `name = '${name.replace(/'/g, "\\'")}'`, orderBy: ['version_number DESC'], maxResults: q.max_results ?? 100, ...(q.page_token ? { pageToken: q.page_token } : {}) });
  });
  app.get('/models/:name/versions/:version/lineage', async (req) => {
    const p = params(req, versionParams);
    return lineageOf(ctx.registry, ctx.tracking, p.name, p.version);
  });
}
