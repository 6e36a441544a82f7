import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { MetricSeries } from '../../tracking/index.js';
import type { ServerContext } from '../context.js';
import { int64, parseRequest, runIdOf, str } from './request.js';
import { jsonDoubleText, metricJson, withPageToken } from './serialize.js';

const historySchema = z.object({ run_id: str.optional(), run_uuid: str.optional(), metric_key: str.min(1), page_token: str.optional(), max_results: int64.optional() });

/** Points per chunk of the streamed history: big enough to amortise, small enough to interleave. */
const CHUNK_POINTS = 16_384;

/**
 * MLflow's metrics/get-history. Without paging the whole series is streamed as JSON text built
 * in chunks straight from the store's columns, so a million points never exist as a million
 * objects nor as one JSON.stringify call.
 */
export function metricRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/metrics/get-history', async (req, reply) => {
    const r = parseRequest(req, historySchema);
    const runId = runIdOf(r);
    if (r.max_results !== undefined || r.page_token) {
      const page = await ctx.tracking.getMetricHistory(runId, r.metric_key, { maxResults: r.max_results, pageToken: r.page_token || undefined });
      return withPageToken(page.items.length ? { metrics: page.items.map(metricJson) } : {}, page.nextPageToken);
    }
    const series = await ctx.tracking.getMetricSeries(runId, r.metric_key);
    return reply.type('application/json').send(Readable.from(historyChunks(series), { objectMode: false }));
  });
}

/** `{"metrics":[{"key":…,"value":…,"timestamp":…,"step":…},…]}` in chunks of text. */
export function* historyChunks(series: MetricSeries): Generator<string> {
  const n = series.values.length;
  if (n === 0) {
    yield '{}';
    return;
  }
  const head = `{"key":${JSON.stringify(series.key)},"value":`;
  const { values, timestamps, steps } = series;
  for (let start = 0; start < n; start += CHUNK_POINTS) {
    const end = Math.min(n, start + CHUNK_POINTS);
    let text = start === 0 ? '{"metrics":[' : ',';
    for (let i = start; i < end; i++) {
      if (i > start) text += ',';
      text += `${head}${jsonDoubleText(values[i]!)},"timestamp":${timestamps[i]},"step":${steps[i]}}`;
    }
    yield end === n ? `${text}]}` : text;
  }
}
