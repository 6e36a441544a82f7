import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { fail } from '../../core/errors.js';
import type { Metric } from '../../tracking/index.js';
import type { ServerContext } from '../context.js';
import { seriesF64, seriesJson } from './columns.js';
import { body, params, query } from './validate.js';

const seriesParams = z.object({ id: z.string().min(1), key: z.string().min(1) });
const seriesQuery = z.object({ max_points: z.coerce.number().int().positive().optional(), format: z.enum(['json', 'f64']).optional() });
const finiteOrSpecial = z.union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity']).transform((s) => Number(s))]);
const columnsBody = z.object({
  steps: z.array(z.number().int()).optional(),
  timestamps: z.array(z.number().int()),
  values: z.array(finiteOrSpecial),
});

/**
 * A metric series in columns: GET answers JSON arrays (or, with `?format=f64`, three raw
 * float64 blocks), downsampled server-side with `?max_points=`; POST appends points given as
 * columns, the compact way to ingest.
 */
export function metricsV1(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/runs/:id/metrics/:key', async (req, reply) => {
    const p = params(req, seriesParams);
    const q = query(req, seriesQuery);
    const series = await ctx.tracking.getMetricSeries(p.id, p.key, q.max_points ? { maxPoints: q.max_points } : undefined);
    if (q.format === 'f64') {
      return reply.type('application/octet-stream').header('x-paddock-points', String(series.values.length)).send(seriesF64(series));
    }
    return reply.type('application/json').send(seriesJson(series));
  });

  app.post('/runs/:id/metrics/:key', async (req, reply) => {
    const p = params(req, seriesParams);
    const b = body(req, columnsBody);
    const n = b.values.length;
    if (b.timestamps.length !== n || (b.steps && b.steps.length !== n)) fail('INVALID_ARGUMENT', `body: steps, timestamps and values must have the same length (got ${b.steps?.length ?? n}, ${b.timestamps.length}, ${n})`, { field: 'values' });
    if (n > ctx.limits.maxBatchMetrics) fail('RESOURCE_LIMIT', `at most ${ctx.limits.maxBatchMetrics} points per request (server.max_batch_metrics); got ${n}: split the series`, { limit: ctx.limits.maxBatchMetrics });
    const metrics: Metric[] = new Array(n);
    for (let i = 0; i < n; i++) metrics[i] = { key: p.key, value: b.values[i]!, timestamp: b.timestamps[i]!, step: b.steps?.[i] ?? 0 };
    await ctx.tracking.logBatch(p.id, { metrics });
    return reply.code(204).send();
  });
}
