/**
 * The monitoring API the Monitoring pages read: a deployment's windows against its reference
 * (the same data as `paddock monitor report`), the alerts recorded, and the retrainings with
 * their chain of causes.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { fail } from '../../core/errors.js';
import { monitorReport, type WindowResult } from '../../monitoring/index.js';
import type { MonitoringSource, ServerContext } from '../context.js';
import { durationParam, timeParam } from './duration-query.js';
import { retrainingChain } from './retraining-chain.js';
import { params, query, queryInt } from './validate.js';
import type { MonitoringReport, Retraining, StoredAlert } from './wire/monitoring.js';

const nameParams = z.object({ name: z.string().min(1) });
const reportQuery = z.strictObject({ window: z.string().optional(), windows: queryInt.min(1).max(200).optional(), until: z.string().optional(), version: z.string().min(1).optional() });
const alertsQuery = z.strictObject({ deployment: z.string().min(1).optional(), rule: z.string().min(1).optional(), since: z.string().optional(), limit: queryInt.min(1).max(1000).optional() });
const retrainingsQuery = z.strictObject({ model: z.string().min(1).optional(), pipeline: z.string().min(1).optional(), limit: queryInt.min(1).max(200).optional() });

const HOUR_MS = 3_600_000;

/**
 * The window a report uses when the query gives none: the project's own `monitoring.window` (the
 * one its serving processes and alert rules use, e.g. the quickstart's 10s), else 1h.
 */
export function defaultWindow(ctx: Pick<ServerContext, 'project'>): string {
  return ctx.project?.config.monitoring.window ?? '1h';
}

/**
 * How many windows a report has when the query gives no count: 24 of an hour or more; of shorter
 * windows 60, at most a day's worth (10s: the last 10 minutes; 30m: 48, the last day).
 */
export function defaultWindows(windowMs: number): number {
  return windowMs < HOUR_MS ? Math.min(60, Math.ceil(24 * HOUR_MS / windowMs)) : 24;
}

/** Refuses when the server was built without the monitoring stores. */
function source(ctx: ServerContext): MonitoringSource {
  if (!ctx.monitoring) fail('INVALID_STATE', 'this server has no monitoring stores (prediction log, alerts): start it with `paddock server` in a project', {});
  return ctx.monitoring;
}

/**
 * Histograms (reference vs current, per column) are kept only in the newest window with rows:
 * the page draws those, and the series of scores needs no bars (24 bins × columns × windows).
 */
function lightWindows(windows: readonly WindowResult[]): WindowResult[] {
  const last = windows.findLastIndex((w) => w.rows > 0);
  return windows.map((w, i) => {
    if (i === last || !w.drift) return w;
    const strip = <T extends { columns: readonly object[] }>(r: T): T => ({ ...r, columns: r.columns.map((c) => ({ ...c, histogram: { labels: [], reference: [], current: [] } })) });
    return { ...w, drift: strip(w.drift), ...(w.outputDrift ? { outputDrift: strip(w.outputDrift) } : {}) };
  });
}

/** Registers /deployments/{name}/monitoring, /alerts, /retrainings. */
export function monitoringV1(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/deployments/:name/monitoring', async (req): Promise<MonitoringReport> => {
    const { name } = params(req, nameParams);
    const q = query(req, reportQuery);
    const window = q.window ?? defaultWindow(ctx);
    const windowMs = durationParam(window, 'window', HOUR_MS, { min: 1000, max: 30 * 24 * HOUR_MS });
    const until = timeParam(q.until, 'until', Date.now());
    const m = source(ctx);
    const deployment = await ctx.deployments.get(name);
    const reference = await m.referenceOf(name);
    const report = await monitorReport({
      store: m.predictionLog, alertStore: m.alerts, deployment: name, reference, windowMs, windows: q.windows ?? defaultWindows(windowMs), until, rules: m.rules,
      ...(q.version ? { version: q.version } : {}),
    });
    return {
      ...report,
      window,
      windows: lightWindows(report.windows),
      model: deployment.model,
      stable: deployment.policy.stable,
      reference: { description: reference.description, source: reference.source, metrics: reference.metrics },
    };
  });
  app.get('/alerts', async (req): Promise<{ items: readonly StoredAlert[] }> => {
    const q = query(req, alertsQuery);
    const items = await source(ctx).alerts.list({
      ...(q.deployment ? { deployment: q.deployment } : {}), ...(q.rule ? { rule: q.rule } : {}),
      ...(q.since !== undefined ? { since: timeParam(q.since, 'since', 0) } : {}), limit: q.limit ?? 100,
    });
    return { items };
  });
  app.get('/retrainings', async (req): Promise<{ items: readonly Retraining[] }> => {
    const q = query(req, retrainingsQuery);
    const m = source(ctx);
    if (!m.retrainings) return { items: [] };
    const rows = await m.retrainings.list({ ...(q.model ? { model: q.model } : {}), ...(q.pipeline ? { pipeline: q.pipeline } : {}), limit: q.limit ?? 50 });
    const histories = new Map<string, Promise<Awaited<ReturnType<typeof ctx.deployments.history>>>>();
    const historyOf = (d: string) => histories.get(d) ?? histories.set(d, ctx.deployments.history(d)).get(d)!;
    const deployments = await ctx.deployments.list();
    const items = [];
    for (const r of rows) items.push({ ...r, chain: await retrainingChain(r, { alerts: m.alerts, registry: ctx.registry, deployments: deployments.filter((d) => d.model === r.model).map((d) => d.name), historyOf }) });
    return { items };
  });
}
