import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { fail } from '../../core/errors.js';
import type { ModelVersion } from '../../registry/index.js';
import { actorOf, type ServerContext } from '../context.js';
import type { ArtifactUris } from './artifact-uris.js';
import { int64, keyValue, parseRequest, repeated, str, tagsOf } from './request.js';
import { modelVersionJson, withPageToken } from './serialize.js';
import { READ } from '../auth/roles.js';

const version = z.union([str, int64]);
const refSchema = z.object({ name: str.min(1), version });
const createSchema = z.object({ name: str.min(1), source: str.min(1), run_id: str.optional(), description: str.optional(), tags: z.array(keyValue).optional() });
const searchSchema = z.object({ filter: str.optional(), max_results: int64.optional(), order_by: repeated(str).optional(), page_token: str.optional() });
const updateSchema = z.object({ name: str.min(1), version, description: str.optional() });
const setTagSchema = z.object({ name: str.min(1), version, key: str.min(1), value: str });
const deleteTagSchema = z.object({ name: str.min(1), version, key: str.min(1) });

/** A version number from MLflow's string field; INVALID_ARGUMENT when not a positive integer. */
export function versionNumber(v: string | number): number {
  const n = typeof v === 'number' ? v : /^\d+$/.test(v) ? Number(v) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 1) fail('INVALID_ARGUMENT', `Invalid value ${JSON.stringify(v)} for parameter 'version' supplied: a model version is a positive integer.`, { field: 'version' });
  return n;
}

/** MLflow's model-versions endpoints (model_registry.proto). */
export function modelVersionRoutes(app: FastifyInstance, ctx: ServerContext, uris: ArtifactUris): void {
  const { registry } = ctx;
  const json = uris.toClient;
  const out = (v: ModelVersion) => ({ model_version: modelVersionJson(v, json) });

  app.post('/model-versions/create', async (req) => {
    const r = parseRequest(req, createSchema);
    return out(await registry.createVersion({ name: r.name, source: uris.fromClient(r.source), runId: r.run_id || undefined, description: r.description, tags: tagsOf(r.tags) }, actorOf(req)));
  });

  app.get('/model-versions/get', async (req) => {
    const r = parseRequest(req, refSchema);
    return out(await registry.getVersion(r.name, versionNumber(r.version)));
  });

  const search = async (req: FastifyRequest) => {
    const r = parseRequest(req, searchSchema);
    const page = await registry.searchVersions({ filter: r.filter || undefined, maxResults: r.max_results, orderBy: r.order_by, pageToken: r.page_token || undefined });
    return withPageToken({ model_versions: page.items.map((v) => modelVersionJson(v, json)) }, page.nextPageToken);
  };
  app.get('/model-versions/search', search);
  app.post('/model-versions/search', READ, search);

  app.patch('/model-versions/update', async (req) => {
    const r = parseRequest(req, updateSchema);
    return out(await registry.updateVersion(r.name, versionNumber(r.version), { description: r.description }, actorOf(req)));
  });

  app.delete('/model-versions/delete', { config: { access: 'admin' } }, async (req) => {
    const r = parseRequest(req, refSchema);
    await registry.deleteVersion(r.name, versionNumber(r.version), actorOf(req));
    return {};
  });

  app.post('/model-versions/set-tag', async (req) => {
    const r = parseRequest(req, setTagSchema);
    await registry.setVersionTag(r.name, versionNumber(r.version), r.key, r.value, actorOf(req));
    return {};
  });

  app.delete('/model-versions/delete-tag', async (req) => {
    const r = parseRequest(req, deleteTagSchema);
    await registry.deleteVersionTag(r.name, versionNumber(r.version), r.key, actorOf(req));
    return {};
  });

  app.get('/model-versions/get-download-uri', async (req) => {
    const r = parseRequest(req, refSchema);
    const v = await registry.getVersion(r.name, versionNumber(r.version));
    return { artifact_uri: json(await resolveSource(ctx, v.source)) };
  });
}

/** `runs:/<run_id>/<path>` → the run's artifact URI joined with the path; other URIs as they are. */
async function resolveSource(ctx: ServerContext, source: string): Promise<string> {
  const m = /^runs:\/([^/]+)\/?(.*)$/.exec(source);
  if (!m) return source;
  const run = await ctx.tracking.getRun(m[1]!);
  const base = run.info.artifactUri.replace(/\/+$/, '');
  return m[2] ? `${base}/${m[2]}` : base;
}
