import type { Metric, MetricSeries, Page } from '../../tracking/index.js';
import { downsampleMinMax } from './downsample.js';
import { concatSeries, decodeChunk, sortSeries, type SeriesColumns } from './metric-chunks.js';
import { decodePageToken, encodePageToken, queryFingerprint } from './page-token.js';
import { requireRun } from './runs.js';
import type { StoreContext } from './store-context.js';
import { checkKey, checkMaxResults } from './tracking-validation.js';

/** Largest page of get-history (MLflow's server caps pages at 25,000; Paddock allows more). */
const MAX_HISTORY_PAGE = 1_000_000;

/** The whole series of one (run, key) in (step, timestamp) order; empty when never logged. */
export async function readSeries(ctx: StoreContext, runId: string, key: string): Promise<SeriesColumns> {
  await requireRun(ctx.db, runId);
  const chunks = await ctx.db.selectFrom('metric_chunks').select(['n', 'data'])
    .where('run_uuid', '=', runId).where('key', '=', checkKey('metric', key)).orderBy('chunk_id').execute();
  return sortSeries(concatSeries(chunks.map((c) => decodeChunk(c.data, c.n))));
}

/** MLflow's get-history: every point (or a page of them), oldest step first. */
export async function getMetricHistory(ctx: StoreContext, runId: string, key: string, options: { maxResults?: number; pageToken?: string } = {}): Promise<Page<Metric>> {
  const fingerprint = queryFingerprint(['history', runId, key]);
  const offset = decodePageToken(options.pageToken, fingerprint);
  const s = await readSeries(ctx, runId, key);
  const total = s.steps.length;
  const limit = checkMaxResults(options.maxResults, total || 1, MAX_HISTORY_PAGE);
  const end = Math.min(total, offset + limit);
  const items: Metric[] = new Array(Math.max(0, end - offset));
  for (let i = offset; i < end; i++) items[i - offset] = { key, value: s.values[i]!, timestamp: s.timestamps[i]!, step: s.steps[i]! };
  return end < total ? { items, nextPageToken: encodePageToken(end, fingerprint) } : { items };
}

/** The series as columns, downsampled with min/max buckets when `maxPoints` is given. */
export async function getMetricSeries(ctx: StoreContext, runId: string, key: string, options: { maxPoints?: number } = {}): Promise<MetricSeries> {
  const s = await readSeries(ctx, runId, key);
  if (options.maxPoints === undefined) return { key, ...s };
  const max = checkMaxResults(options.maxPoints, 0, Number.MAX_SAFE_INTEGER);
  return { key, ...downsampleMinMax(s, max) };
}
