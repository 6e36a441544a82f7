import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ExperimentColumns, TrackingStore } from '../../tracking/index.js';
import type { ServerContext } from '../context.js';
import { params } from './validate.js';

const idParams = z.object({ id: z.string().min(1) });

/**
 * GET /api/v1/experiments/{id}/columns: every param, metric and tag key the experiment's active
 * runs use, so the UI's column chooser offers all of them, not only those of the runs it has
 * loaded so far.
 */
export function experimentColumnsV1(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/experiments/:id/columns', async (req) => columnsOf(ctx.tracking, params(req, idParams).id));
}

/** The store's own DISTINCT query when it has one; else the keys of every run, page by page. */
export async function columnsOf(store: TrackingStore, experimentId: string): Promise<ExperimentColumns> {
  if (store.experimentColumns) return store.experimentColumns(experimentId);
  await store.getExperiment(experimentId);
  const keys = { params: new Set<string>(), metrics: new Set<string>(), tags: new Set<string>() };
  let pageToken: string | undefined;
  do {
    const page = await store.searchRuns({ experimentIds: [experimentId], maxResults: 10_000, ...(pageToken ? { pageToken } : {}) });
    for (const run of page.items) {
      for (const p of run.data.params) keys.params.add(p.key);
      for (const m of run.data.metrics) keys.metrics.add(m.key);
      for (const t of Object.keys(run.data.tags)) keys.tags.add(t);
    }
    pageToken = page.nextPageToken;
  } while (pageToken);
  return { params: [...keys.params].sort(), metrics: [...keys.metrics].sort(), tags: [...keys.tags].sort() };
}
