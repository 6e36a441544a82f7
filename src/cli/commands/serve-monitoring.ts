/**
 * The monitoring loop of a serving process (`paddock serve --deployment`, `paddock server
 * --deployment`): the deployments it serves, their logged predictions against each stable
 * version's reference, alert rules from paddock.yaml, alerts recorded in the metadata database
 * and sent to the log and webhooks. Request errors come from this process's own outcomes (a
 * failed request logs no prediction).
 */
import type { Logger } from '../../core/logging.js';
import type { Project } from '../../core/project.js';
import { AlertNotifier, startMonitoring, type AlertEvent, type Monitoring, type PredictionLogStore } from '../../monitoring/index.js';
import type { VariantStats } from '../../serving/index.js';
import { SqlAlertStore } from '../../storage/sql/alerts/sql-alert-store.js';
import type { MetadataStore } from '../../storage/sql/open-metadata-store.js';
import { deploymentReferences } from './monitor-reference.js';

/** The window alerts are evaluated on. */
export const SERVING_MONITOR_WINDOW_MS = 3_600_000;

export interface ServingMonitorOptions {
  readonly project: Pick<Project, 'root' | 'config'>;
  readonly meta: MetadataStore;
  readonly store: PredictionLogStore;
  readonly names: readonly string[];
  readonly stats: VariantStats;
  readonly logger: Logger;
  readonly windowMs?: number;
  /** The automation's hook (retraining on `retrain:<pipeline>` alerts). */
  readonly onAlert?: (alert: AlertEvent) => void | Promise<void>;
}

export function startServingMonitor(options: ServingMonitorOptions): Monitoring {
  const { project, meta, logger } = options;
  const notifier = new AlertNotifier({ rules: project.config.alerts, logger, store: new SqlAlertStore(meta), ...(options.onAlert ? { onAlert: options.onAlert } : {}) });
  const monitoring = startMonitoring({
    store: options.store,
    deployments: options.names,
    reference: deploymentReferences(project, meta, project.root),
    windowMs: options.windowMs ?? SERVING_MONITOR_WINDOW_MS,
    rules: project.config.alerts,
    notifier,
    logger,
    outcomes: (deployment, since, until) => {
      const parts = (['stable', 'canary'] as const).map((v) => options.stats.summary(deployment, v, { since, until }));
      return { requests: parts[0]!.requests + parts[1]!.requests, errors: parts[0]!.errors + parts[1]!.errors };
    },
  });
  return {
    tick: () => monitoring.tick(),
    async stop() {
      await monitoring.stop();
      await notifier.close();
      await options.store.close?.();
    },
  };
}
