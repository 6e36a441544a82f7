import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ServerContext } from '../context.js';
import { dataHistory, listData } from './data-versions.js';
import { listValidations, readValidationReport } from './data-validations.js';
import { projectOf } from './project-of.js';
import { query } from './validate.js';

const pathQuery = z.object({ path: z.string().min(1) });
const validationsQuery = z.object({ path: z.string().min(1).optional() });

/** The project's versioned data: tracked paths, their history across git revisions, and validation reports. */
export function dataV1(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/data', async () => ({ items: await listData(projectOf(ctx)) }));
  app.get('/data/history', async (req) => dataHistory(projectOf(ctx), query(req, pathQuery).path));
  app.get('/data/validations', async (req) => ({ items: await listValidations(projectOf(ctx), ctx.tracking, query(req, validationsQuery).path) }));
  app.get('/data/validations/report', async (req) => readValidationReport(projectOf(ctx), query(req, pathQuery).path));
}
