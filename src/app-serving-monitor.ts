/**
 * The monitoring loop of a serving process (`paddock serve --deployment`, `paddock server
 * --deployment`), part of the composition root: the deployments it serves, their logged predictions against each stable
 * version's reference, alert rules from paddock.yaml, alerts recorded in the metadata database
 * and sent to the log and webhooks. Request errors come from this process's own outcomes (a
 * failed request logs no prediction).
 */
import { onAlert, type RequestDeps, type Retraining } from './automation/index.js';
import type { Config } from './core/config.js';
import { monitoringTimes } from './core/config-monitoring.js';
import type { Logger } from './core/logging.js';
import type { Project } from './core/project.js';
import { AlertNotifier, DroppedCounter, startMonitoring, type AlertEvent, type Monitoring, type PredictionLogStore } from './monitoring/index.js';
import type { VariantStats } from './serving/index.js';
import { SqlAlertStore } from './storage/sql/alerts/sql-alert-store.js';
import type { MetadataStore } from './storage/sql/open-metadata-store.js';
import { deploymentReferences } from './app-monitor-reference.js';

export interface ServingMonitorOptions {
  readonly project: Pick<Project, 'root' | 'config'>;
  readonly meta: MetadataStore;
  readonly store: PredictionLogStore;
  readonly names: readonly string[];
  readonly stats: VariantStats;
  readonly logger: Logger;
  /** The window instead of paddock.yaml's `monitoring.window` (tests). */
  readonly windowMs?: number;
  /** The prediction logger's running count of dropped predictions (this process's), for the `dropped_predictions` rule. */
  readonly droppedTotal?: () => number;
  /** The automation's hook (retraining on `retrain:<pipeline>` alerts). */
  readonly onAlert?: (alert: AlertEvent) => void | Promise<void>;
}

export function startServingMonitor(options: ServingMonitorOptions): Monitoring {
  const { project, meta, logger } = options;
  const times = monitoringTimes(project.config.monitoring);
  const windowMs = options.windowMs ?? times.windowMs;
  // Dropped predictions are counted per process: sampled every second (or tenth of a window), two windows plus the delay kept.
  const dropped = options.droppedTotal ? new DroppedCounter(options.droppedTotal, 2 * windowMs + times.delayMs) : undefined;
  dropped?.sample(Date.now());
  const sampler = dropped ? setInterval(() => dropped.sample(Date.now()), Math.min(1000, windowMs / 10)) : undefined;
  sampler?.unref();
  const alerts = new SqlAlertStore(meta);
  const notifier = new AlertNotifier({ rules: project.config.alerts, logger, store: alerts, ...(options.onAlert ? { onAlert: options.onAlert } : {}) });
  const monitoring = startMonitoring({
    // The newest alerts of these deployments: a restarted server carries on from them.
    recorded: async () => (await Promise.all(options.names.map((deployment) => alerts.list({ deployment, limit: 1000 })))).flat(),
    store: options.store,
    deployments: options.names,
    reference: deploymentReferences(project, meta, project.root),
    windowMs,
    delayMs: times.delayMs,
    rules: project.config.alerts,
    notifier,
    logger,
    ...(dropped ? { dropped: (_deployment: string, since: number, until: number) => dropped.between(since, until) } : {}),
    outcomes: (deployment, since, until) => {
      const parts = (['stable', 'canary'] as const).map((v) => options.stats.summary(deployment, v, { since, until }));
      return { requests: parts[0]!.requests + parts[1]!.requests, errors: parts[0]!.errors + parts[1]!.errors };
    },
  });
  return {
    tick: () => monitoring.tick(),
    async stop() {
      clearInterval(sampler);
      await monitoring.stop();
      await notifier.close();
      await options.store.close?.();
    },
  };
}

/** Which retraining pipelines each alert rule triggers, and the `retrain:<pipeline>` names that match none. */
export interface AlertRetrainingLinks {
  readonly rules: ReadonlyMap<string, readonly string[]>;
  readonly unknown: readonly { readonly rule: string; readonly pipeline: string }[];
}

/**
 * A rule triggers the pipelines whose `triggers.alerts` list it and those its `notify` names as
 * `retrain:<pipeline>` (either side of paddock.yaml may say it).
 */
export function alertRetrainingLinks(config: Pick<Config, 'alerts' | 'retraining'>): AlertRetrainingLinks {
  const pipelines = config.retraining.pipelines;
  const rules = new Map<string, string[]>();
  const unknown: { rule: string; pipeline: string }[] = [];
  for (const rule of config.alerts) {
    const named = rule.notify.flatMap((n) => (typeof n === 'string' && n.startsWith('retrain:') ? [n.slice('retrain:'.length)] : []));
    for (const pipeline of named) if (!pipelines[pipeline]) unknown.push({ rule: rule.name, pipeline });
    const linked = Object.keys(pipelines).filter((p) => named.includes(p) || pipelines[p]!.triggers.alerts.includes(rule.name));
    if (linked.length > 0) rules.set(rule.name, linked);
  }
  return { rules, unknown };
}

/**
 * The monitoring's automation hook: a fired alert asks for a retraining of each pipeline linked
 * to its rule (automation's onAlert, ids from the alert so several serving processes make one).
 * Cleared alerts do nothing. A failure is logged: serving goes on.
 */
export function retrainOnAlert(deps: RequestDeps, options: { readonly logger: Logger; readonly onRequested?: (r: Retraining) => void }): (alert: AlertEvent) => Promise<void> {
  return async (alert) => {
    if (alert.kind !== 'fired') return;
    // onAlert follows `triggers.alerts`; the rule's own `retrain:<pipeline>` links the same way.
    const pipelines = Object.fromEntries(Object.entries(deps.pipelines).map(([name, c]) => [
      name, alert.retrain.includes(name) && !c.triggers.alerts.includes(alert.rule) ? { ...c, triggers: { ...c.triggers, alerts: [...c.triggers.alerts, alert.rule] } } : c,
    ]));
    try {
      const requested = await onAlert({
        rule: alert.rule, deployment: alert.deployment, firedAt: alert.at,
        ...('id' in alert && alert.id !== undefined ? { id: alert.id as number } : {}),
        numbers: { metric: alert.metric, ...(alert.column ? { column: alert.column } : {}), ...(alert.performanceMetric ? { performance_metric: alert.performanceMetric } : {}), value: alert.value, condition: alert.condition, windows: alert.windows },
      }, { ...deps, pipelines });
      for (const r of requested) options.onRequested?.(r);
    } catch (err) {
      options.logger.error({ err, alert: alert.rule }, `alert ${alert.rule} on ${alert.deployment}: could not request a retraining: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
}
