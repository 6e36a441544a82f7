import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ServerContext } from '../context.js';
import { int64, keyValue, parseRequest, repeated, str, tagsOf, viewType } from './request.js';
import { experimentJson, withPageToken } from './serialize.js';
import type { ArtifactUris } from './artifact-uris.js';
import { READ } from '../auth/roles.js';

const createSchema = z.object({ name: str.min(1), artifact_location: str.optional(), tags: z.array(keyValue).optional() });
const idSchema = z.object({ experiment_id: str.min(1) });
const byNameSchema = z.object({ experiment_name: str.min(1) });
const searchSchema = z.object({
  max_results: int64.optional(),
  page_token: str.optional(),
  filter: str.optional(),
  order_by: repeated(str).optional(),
  view_type: viewType.optional(),
});
const updateSchema = z.object({ experiment_id: str.min(1), new_name: str.min(1) });
const tagSchema = z.object({ experiment_id: str.min(1), key: str.min(1), value: str });
const deleteTagSchema = z.object({ experiment_id: str.min(1), key: str.min(1) });

/** MLflow's experiments endpoints (service.proto: CreateExperiment … DeleteExperimentTag). */
export function experimentRoutes(app: FastifyInstance, ctx: ServerContext, uris: ArtifactUris): void {
  const { tracking } = ctx;
  const json = uris.toClient;

  app.post('/experiments/create', async (req) => {
    const r = parseRequest(req, createSchema);
    const artifactLocation = r.artifact_location ? uris.fromClient(r.artifact_location) : undefined;
    const experimentId = await tracking.createExperiment({ name: r.name, artifactLocation, tags: tagsOf(r.tags) });
    return { experiment_id: experimentId };
  });

  app.get('/experiments/get', async (req) => {
    const r = parseRequest(req, idSchema);
    return { experiment: experimentJson(await tracking.getExperiment(r.experiment_id), json) };
  });

  app.get('/experiments/get-by-name', async (req) => {
    const r = parseRequest(req, byNameSchema);
    return { experiment: experimentJson(await tracking.getExperimentByName(r.experiment_name), json) };
  });

  const search = async (req: Parameters<typeof parseRequest>[0]) => {
    const r = parseRequest(req, searchSchema);
    const page = await tracking.searchExperiments({ filter: r.filter || undefined, viewType: r.view_type, maxResults: r.max_results, orderBy: r.order_by, pageToken: r.page_token || undefined });
    return withPageToken({ experiments: page.items.map((e) => experimentJson(e, json)) }, page.nextPageToken);
  };
  app.post('/experiments/search', READ, search);
  app.get('/experiments/search', search);

  app.post('/experiments/update', async (req) => {
    const r = parseRequest(req, updateSchema);
    await tracking.renameExperiment(r.experiment_id, r.new_name);
    return {};
  });

  app.post('/experiments/delete', { config: { access: 'admin' } }, async (req) => {
    await tracking.deleteExperiment(parseRequest(req, idSchema).experiment_id);
    return {};
  });

  app.post('/experiments/restore', async (req) => {
    await tracking.restoreExperiment(parseRequest(req, idSchema).experiment_id);
    return {};
  });

  app.post('/experiments/set-experiment-tag', async (req) => {
    const r = parseRequest(req, tagSchema);
    await tracking.setExperimentTag(r.experiment_id, r.key, r.value);
    return {};
  });

  app.post('/experiments/delete-experiment-tag', async (req) => {
    const r = parseRequest(req, deleteTagSchema);
    await tracking.deleteExperimentTag(r.experiment_id, r.key);
    return {};
  });
}
