import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { actorOf, type ServerContext } from '../context.js';
import type { ArtifactUris } from './artifact-uris.js';
import { int64, keyValue, parseRequest, repeated, str, tagsOf } from './request.js';
import { modelVersionJson, registeredModelJson, withPageToken } from './serialize.js';
import { versionNumber } from './model-versions.js';
import { READ } from '../auth/roles.js';

const nameSchema = z.object({ name: str.min(1) });
const createSchema = z.object({ name: str.min(1), description: str.optional(), tags: z.array(keyValue).optional() });
const searchSchema = z.object({ filter: str.optional(), max_results: int64.optional(), order_by: repeated(str).optional(), page_token: str.optional() });
const updateSchema = z.object({ name: str.min(1), description: str.optional() });
const renameSchema = z.object({ name: str.min(1), new_name: str.min(1) });
const setTagSchema = z.object({ name: str.min(1), key: str.min(1), value: str });
const deleteTagSchema = z.object({ name: str.min(1), key: str.min(1) });
const setAliasSchema = z.object({ name: str.min(1), alias: str.min(1), version: z.union([str, int64]) });
const aliasSchema = z.object({ name: str.min(1), alias: str.min(1) });

/** MLflow's registered-models endpoints (model_registry.proto), aliases included. */
export function registeredModelRoutes(app: FastifyInstance, ctx: ServerContext, uris: ArtifactUris): void {
  const { registry } = ctx;
  const json = uris.toClient;

  app.post('/registered-models/create', async (req) => {
    const r = parseRequest(req, createSchema);
    const model = await registry.createModel({ name: r.name, description: r.description, tags: tagsOf(r.tags) }, actorOf(req));
    return { registered_model: registeredModelJson(model, json) };
  });

  app.get('/registered-models/get', async (req) => {
    return { registered_model: registeredModelJson(await registry.getModel(parseRequest(req, nameSchema).name), json) };
  });

  const search = async (req: FastifyRequest) => {
    const r = parseRequest(req, searchSchema);
    const page = await registry.searchModels({ filter: r.filter || undefined, maxResults: r.max_results, orderBy: r.order_by, pageToken: r.page_token || undefined });
    return withPageToken({ registered_models: page.items.map((m) => registeredModelJson(m, json)) }, page.nextPageToken);
  };
  app.get('/registered-models/search', search);
  app.post('/registered-models/search', READ, search);

  app.patch('/registered-models/update', async (req) => {
    const r = parseRequest(req, updateSchema);
    return { registered_model: registeredModelJson(await registry.updateModel(r.name, { description: r.description }, actorOf(req)), json) };
  });

  app.post('/registered-models/rename', async (req) => {
    const r = parseRequest(req, renameSchema);
    return { registered_model: registeredModelJson(await registry.renameModel(r.name, r.new_name, actorOf(req)), json) };
  });

  // Deleting a model drops its aliases too: an admin change, like moving an alias.
  app.delete('/registered-models/delete', { config: { access: 'admin' } }, async (req) => {
    await registry.deleteModel(parseRequest(req, nameSchema).name, actorOf(req));
    return {};
  });

  app.post('/registered-models/set-tag', async (req) => {
    const r = parseRequest(req, setTagSchema);
    await registry.setModelTag(r.name, r.key, r.value, actorOf(req));
    return {};
  });

  app.delete('/registered-models/delete-tag', async (req) => {
    const r = parseRequest(req, deleteTagSchema);
    await registry.deleteModelTag(r.name, r.key, actorOf(req));
    return {};
  });

  app.post('/registered-models/alias', { config: { access: 'admin' } }, async (req) => {
    const r = parseRequest(req, setAliasSchema);
    await registry.setAlias(r.name, r.alias, versionNumber(r.version), actorOf(req));
    return {};
  });

  app.delete('/registered-models/alias', { config: { access: 'admin' } }, async (req) => {
    const r = parseRequest(req, aliasSchema);
    await registry.deleteAlias(r.name, r.alias, actorOf(req));
    return {};
  });

  app.get('/registered-models/alias', async (req) => {
    const r = parseRequest(req, aliasSchema);
    return { model_version: modelVersionJson(await registry.getVersionByAlias(r.name, r.alias), json) };
  });

  // Stages are deprecated in MLflow; the newest version stands for every stage asked about.
  const latest = async (req: FastifyRequest) => {
    const model = await registry.getModel(parseRequest(req, nameSchema).name);
    return model.latestVersion ? { model_versions: [modelVersionJson(model.latestVersion, json)] } : {};
  };
  app.post('/registered-models/get-latest-versions', latest);
  app.get('/registered-models/get-latest-versions', latest);
}
