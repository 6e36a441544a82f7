/**
 * GET /api/v1/deployments/{name}/stats: a deployment's recent traffic per variant, for the
 * Deployments page. Where this server serves the deployment itself (`paddock server
 * --deployment`), the in-process VariantStats the canary analysis reads give requests, errors and
 * p99 per variant and the shadow's agreement. Elsewhere the prediction log gives requests and
 * latency per variant and version (the mirror's from its logged shadow answers): it holds
 * answered requests only, so errors, and the shadow's agreement (the mirroring server compares),
 * are unknown there, and the answer says so.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { SHADOW_VARIANT, type LoggedPrediction, type PredictionLogStore } from '../../monitoring/index.js';
import { percentile, stableWeight, type Deployment, type VariantStats } from '../../serving/index.js';
import type { ServerContext } from '../context.js';
import { durationParam } from './duration-query.js';
import { params, query } from './validate.js';
import type { DeploymentStats, VariantTraffic } from './wire/deployment-stats.js';

export type { DeploymentStats, VariantTraffic } from './wire/deployment-stats.js';

const nameParams = z.object({ name: z.string().min(1) });
const statsQuery = z.strictObject({ window: z.string().optional() });
const DEFAULT_WINDOW_MS = 60_000;
/** The log is scanned row by row: an hour bounds the work of one poll. */
const MAX_WINDOW_MS = 3_600_000;

/** Registers the stats route. */
export function deploymentStatsV1(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/deployments/:name/stats', async (req): Promise<DeploymentStats> => {
    const { name } = params(req, nameParams);
    const windowMs = durationParam(query(req, statsQuery).window, 'window', DEFAULT_WINDOW_MS, { min: 1000, max: MAX_WINDOW_MS });
    const deployment = await ctx.deployments.get(name);
    const until = Date.now();
    const since = until - windowMs;
    const base = { deployment: name, since, until, windowMs };
    if (ctx.live?.served(name)) return { ...base, ...fromServing(ctx.live.stats, deployment, since, until) };
    const log = ctx.monitoring?.predictionLog ?? ctx.labels?.store;
    if (log) return { ...base, ...(await fromLog(log, deployment, since, until)) };
    return { ...base, source: 'none', notes: ['this server neither serves the deployment nor has a prediction log: start it with --deployment, or enable monitoring.prediction_log'], variants: policyRows(deployment).map((r) => ({ ...r, ...empty })), shadow: null };
  });
}

const empty = { requests: 0, requestsPerSecond: 0, errors: null, errorRate: null, p50Ms: null, p99Ms: null } as const;

/** The policy's variants now: stable, each canary, the mirror (as `shadow`). */
function policyRows(d: Deployment): { variant: string; version: string; percent: number }[] {
  const { policy } = d;
  return [
    { variant: 'stable', version: policy.stable, percent: stableWeight(policy) },
    ...policy.candidates.map((c) => ({ variant: 'canary', version: c.version, percent: c.weight })),
    ...(policy.mirror ? [{ variant: 'shadow', version: policy.mirror.version, percent: policy.mirror.percent }] : []),
  ];
}

function fromServing(stats: VariantStats, d: Deployment, since: number, until: number): Pick<DeploymentStats, 'source' | 'notes' | 'variants' | 'shadow'> {
  const seconds = (until - since) / 1000;
  const mirror = d.policy.mirror;
  const shadow = mirror ? stats.shadowSummary(d.name, { since, until, shadowVersion: mirror.version }) : undefined;
  const variants = policyRows(d).map((row): VariantTraffic => {
    if (row.variant === 'shadow') {
      const s = shadow!;
      return { ...row, ...empty, requests: s.requests, requestsPerSecond: s.requests / seconds, errors: s.errors, errorRate: s.requests ? s.errors / s.requests : 0 };
    }
    const s = stats.summary(d.name, row.variant as 'stable' | 'canary', { since, until, version: row.version });
    return { ...row, requests: s.requests, requestsPerSecond: s.requests / seconds, errors: s.errors, errorRate: s.requests ? s.errors / s.requests : 0, p50Ms: null, p99Ms: s.requests ? s.p99Ms : null };
  });
  return {
    source: 'serving',
    notes: ['live from this server: requests, 5xx errors and p99 latency per variant as the canary analysis sees them (p50 is not kept there)'],
    variants,
    shadow: mirror && shadow ? { version: mirror.version, requests: shadow.requests, errors: shadow.errors, rows: shadow.rows, agreement: shadow.agreement, meanAbsDelta: shadow.meanAbsDelta ?? null } : null,
  };
}

async function fromLog(log: PredictionLogStore, d: Deployment, since: number, until: number): Promise<Pick<DeploymentStats, 'source' | 'notes' | 'variants' | 'shadow'>> {
  const seconds = (until - since) / 1000;
  const groups = new Map<string, { variant: string; version: string; latencies: number[] }>();
  const keyOf = (variant: string, version: string) => `${variant}\u0000${version}`;
  const rows = policyRows(d);
  for (const r of rows) groups.set(keyOf(r.variant, r.version), { variant: r.variant, version: r.version, latencies: [] });
  const collect = (batch: readonly LoggedPrediction[]): void => {
    for (const p of batch) {
      // One latency per request: the first row of each carries it.
      if (p.rowIndex !== 0) continue;
      const key = keyOf(p.variant, p.version);
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { variant: p.variant, version: p.version, latencies: [] }));
      g.latencies.push(p.latencyMs);
    }
  };
  // A scan leaves shadow answers out unless asked for them.
  await log.scan({ deployment: d.name, since, until }, collect);
  const mirror = rows.find((r) => r.variant === SHADOW_VARIANT);
  if (mirror) await log.scan({ deployment: d.name, since, until, variant: SHADOW_VARIANT }, collect);
  const percentOf = (variant: string, version: string) => rows.find((r) => r.variant === variant && r.version === version)?.percent ?? 0;
  const variants: VariantTraffic[] = [...groups.values()].map((g) => ({
    variant: g.variant, version: g.version, percent: percentOf(g.variant, g.version),
    requests: g.latencies.length, requestsPerSecond: g.latencies.length / seconds, errors: null, errorRate: null,
    p50Ms: g.latencies.length ? percentile(g.latencies, 0.5) : null, p99Ms: g.latencies.length ? percentile(g.latencies, 0.99) : null,
  }));
  const notes = ['from the prediction log: it records answered requests only, so errors are unknown here (serve the deployment from this server, `paddock server --deployment`, for error rates)'];
  if (mirror) notes.push('the shadow\'s requests and latency are its logged answers; their agreement with the primary is known only to the server that mirrors them');
  return { source: 'prediction-log', notes, variants, shadow: null };
}
