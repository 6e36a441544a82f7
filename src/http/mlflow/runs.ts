import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { fail } from '../../core/errors.js';
import type { DatasetInput, RunStatus } from '../../tracking/index.js';
import type { ServerContext } from '../context.js';
import type { ArtifactUris } from './artifact-uris.js';
import { parseBatch } from './batch.js';
import { double, int64, keyValue, parseRequest, repeated, runIdOf, str, tagsOf, viewType } from './request.js';
import { runInfoJson, runJson, withPageToken } from './serialize.js';
import { READ } from '../auth/roles.js';

const runRef = { run_id: str.optional(), run_uuid: str.optional() };
const status = z.enum(['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED']);

const createSchema = z.object({
  experiment_id: str.min(1).optional(),
  user_id: str.optional(),
  run_name: str.optional(),
  start_time: int64.optional(),
  tags: z.array(keyValue).optional(),
});
const updateSchema = z.object({ ...runRef, status: status.optional(), end_time: int64.optional(), run_name: str.optional() });
const refSchema = z.object(runRef);
const searchSchema = z.object({
  experiment_ids: repeated(str).optional(),
  filter: str.optional(),
  run_view_type: viewType.optional(),
  max_results: int64.optional(),
  order_by: repeated(str).optional(),
  page_token: str.optional(),
});
const logMetricSchema = z.object({ ...runRef, key: str.min(1), value: double, timestamp: int64, step: int64.optional() });
const logParamSchema = z.object({ ...runRef, key: str.min(1), value: str });
const setTagSchema = z.object({ ...runRef, key: str.min(1), value: str });
const deleteTagSchema = z.object({ run_id: str.min(1), key: str.min(1) });
const datasetSchema = z.object({
  tags: z.array(keyValue).optional(),
  dataset: z.object({ name: str, digest: str, source_type: str, source: str, schema: str.optional(), profile: str.optional() }),
});
const logInputsSchema = z.object({ run_id: str.min(1), datasets: z.array(datasetSchema).optional() });

/** MLflow's search_runs cap (SEARCH_MAX_RESULTS_THRESHOLD). */
const MAX_SEARCH_RESULTS = 50_000;

/** MLflow's runs endpoints (service.proto: CreateRun … RestoreRun, LogBatch, LogInputs). */
export function runRoutes(app: FastifyInstance, ctx: ServerContext, uris: ArtifactUris): void {
  const { tracking } = ctx;
  const json = uris.toClient;

  app.post('/runs/create', async (req) => {
    const r = parseRequest(req, createSchema);
    const tags = tagsOf(r.tags);
    const run = await tracking.createRun({
      experimentId: r.experiment_id ?? '0',
      runName: r.run_name || tags['mlflow.runName'] || undefined,
      userId: r.user_id,
      startTime: r.start_time,
      tags,
      parentRunId: tags['mlflow.parentRunId'] || undefined,
    });
    return { run: runJson(run, json) };
  });

  app.post('/runs/update', async (req) => {
    const r = parseRequest(req, updateSchema);
    const info = await tracking.updateRun(runIdOf(r), { status: r.status as RunStatus | undefined, endTime: r.end_time, runName: r.run_name || undefined });
    return { run_info: runInfoJson(info, json) };
  });

  app.get('/runs/get', async (req) => {
    return { run: runJson(await tracking.getRun(runIdOf(parseRequest(req, refSchema))), json) };
  });

  app.post('/runs/search', READ, async (req) => {
    const r = parseRequest(req, searchSchema);
    if (r.max_results !== undefined && (r.max_results < 1 || r.max_results > MAX_SEARCH_RESULTS)) {
      fail('INVALID_ARGUMENT', `Invalid value ${r.max_results} for parameter 'max_results' supplied: it must be between 1 and ${MAX_SEARCH_RESULTS}.`, { field: 'max_results' });
    }
    const page = await tracking.searchRuns({
      experimentIds: r.experiment_ids ?? [],
      filter: r.filter || undefined,
      viewType: r.run_view_type,
      maxResults: r.max_results ?? 1000,
      orderBy: r.order_by,
      pageToken: r.page_token || undefined,
    });
    return withPageToken({ runs: page.items.map((run) => runJson(run, json)) }, page.nextPageToken);
  });

  app.post('/runs/log-metric', async (req) => {
    const r = parseRequest(req, logMetricSchema);
    await tracking.logBatch(runIdOf(r), { metrics: [{ key: r.key, value: r.value, timestamp: r.timestamp, step: r.step ?? 0 }] });
    return {};
  });

  app.post('/runs/log-parameter', async (req) => {
    const r = parseRequest(req, logParamSchema);
    await tracking.logBatch(runIdOf(r), { params: [{ key: r.key, value: r.value }] });
    return {};
  });

  app.post('/runs/log-batch', async (req) => {
    const batch = parseBatch(req.body, ctx.limits.maxBatchMetrics);
    await tracking.logBatch(batch.runId, batch);
    return {};
  });

  app.post('/runs/log-inputs', async (req) => {
    const r = parseRequest(req, logInputsSchema);
    const datasets: DatasetInput[] = (r.datasets ?? []).map((d) => ({
      name: d.dataset.name,
      digest: d.dataset.digest,
      sourceType: d.dataset.source_type,
      source: d.dataset.source,
      schema: d.dataset.schema,
      profile: d.dataset.profile,
      tags: tagsOf(d.tags),
    }));
    await tracking.logInputs(r.run_id, datasets);
    return {};
  });

  app.post('/runs/set-tag', async (req) => {
    const r = parseRequest(req, setTagSchema);
    await tracking.logBatch(runIdOf(r), { tags: { [r.key]: r.value } });
    return {};
  });

  app.post('/runs/delete-tag', async (req) => {
    const r = parseRequest(req, deleteTagSchema);
    await tracking.deleteTag(r.run_id, r.key);
    return {};
  });

  app.post('/runs/delete', async (req) => {
    await tracking.deleteRun(parseRequest(req, z.object({ run_id: str.min(1) })).run_id);
    return {};
  });

  app.post('/runs/restore', async (req) => {
    await tracking.restoreRun(parseRequest(req, z.object({ run_id: str.min(1) })).run_id);
    return {};
  });
}
