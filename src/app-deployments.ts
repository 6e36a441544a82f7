/**
 * Serving deployments, shared by `paddock serve --deployment` and `paddock server --deployment`
 * (part of the composition root): the router over the model pool, the deployments followed from
 * the metadata store, the canary analysis stepping, promoting or rolling them back from the
 * requests answered here, and, with alert rules in paddock.yaml, the monitoring of their logged
 * predictions and the retraining its alerts ask for. What happens is told through
 * DeploymentEvents; the CLI prints them.
 */
import { openPredictionLogStore } from './app-prediction-log.js';
import { promotionGuard } from './app-promotion.js';
import { retrainingContextOn, type ContextOptions, type RetrainingContext } from './app-retraining.js';
import { alertRetrainingLinks, retrainOnAlert, startServingMonitor } from './app-serving-monitor.js';
import type { Retraining } from './automation/index.js';
import { fail } from './core/errors.js';
import type { Logger } from './core/logging.js';
import type { Project } from './core/project.js';
import type { AlertEvent } from './monitoring/index.js';
import { CanaryAnalysis, DeploymentRouter, DeploymentService, followDeployments, type AnalysisDecision, type Deployment, type ModelPool, type VariantStats } from './serving/index.js';
import { SqlDeploymentStore } from './storage/sql/deployments/sql-deployment-store.js';
import type { MetadataStore } from './storage/sql/open-metadata-store.js';
import { SqlRegistryStore } from './storage/sql/registry/sql-registry-store.js';

/** What serving deployments does that a user should see (the CLI prints each as a line). */
export interface DeploymentEvents extends Required<Pick<ContextOptions, 'onStarted' | 'onFinished'>> {
  /** A version no policy names any more was unloaded. */
  readonly onUnloaded: (deployment: string, version: string) => void;
  /** A deployment's policy (a new revision) now routes requests. */
  readonly onApplied: (deployment: Deployment) => void;
  /** A served deployment was deleted from the store. */
  readonly onRemoved: (name: string) => void;
  /** The canary analysis stepped, promoted or rolled back (holds are not told). */
  readonly onDecision: (decision: AnalysisDecision) => void;
  /** An alert fired or cleared. */
  readonly onAlert: (alert: AlertEvent) => void;
  /** A fired alert asked for a retraining. */
  readonly onRequested: (retraining: Retraining) => void;
  /** Something in paddock.yaml will not work as written (serving goes on). */
  readonly onWarning: (message: string) => void;
}

/** What serveDeployments needs. */
export interface ServeDeploymentsOptions {
  readonly pool: ModelPool;
  /** The metadata database; needed when `names` is not empty. */
  readonly meta: MetadataStore | undefined;
  /** The deployments to serve (may be empty: the router then serves none). */
  readonly names: readonly string[];
  readonly stats: VariantStats;
  /** Whether this process runs the canary analysis (one process per deployment should). */
  readonly analyse: boolean;
  readonly logger: Logger;
  readonly events: DeploymentEvents;
  /** The project whose promotion policy guards the analysis' promotions (paddock.yaml `promotion`). */
  readonly project?: Pick<Project, 'config'> & Partial<Project>;
  /**
   * The retraining loop fired alerts go to (`paddock server` shares its trigger poller's); without
   * it, one is opened on `meta` when an alert rule retrains a pipeline, and closed by stop().
   */
  readonly retraining?: RetrainingContext;
  /** This process's running count of predictions the log dropped (its buffer full), for the `dropped_predictions` alert rule. */
  readonly droppedPredictions?: () => number;
}

/** The running parts; stop() ends following and the analysis (the caller closes the pool). */
export interface ServedDeployments {
  readonly router: DeploymentRouter;
  stop(): Promise<void>;
}

export async function serveDeployments(options: ServeDeploymentsOptions): Promise<ServedDeployments> {
  const { pool, meta, names, logger, events } = options;
  const router = new DeploymentRouter({ pool, refFor: (model, version) => `models:/${model}/${version}`, logger, onUnloaded: events.onUnloaded });
  if (names.length === 0) return { router, stop: () => Promise.resolve() };
  if (!meta) fail('INTERNAL', 'serving deployments needs the metadata database');
  const store = new SqlDeploymentStore(meta);
  const stopFollowing = await followDeployments({ store, router, names, logger, onRemoved: events.onRemoved, onApplied: events.onApplied });
  // Deployments with an analysis config step, promote or roll back their canary from this server's requests.
  const analysis = options.analyse
    ? new CanaryAnalysis({
      service: new DeploymentService({ deployments: options.project ? promotionGuard(options.project, meta).deployments(store) : store, registry: new SqlRegistryStore(meta) }), store,
      stats: options.stats, names, logger, onDecision: (d) => { if (d.kind !== 'hold') events.onDecision(d); },
    })
    : undefined;
  analysis?.start();
  // With alert rules in paddock.yaml, this process also monitors its deployments' logged predictions.
  const project = options.project;
  const monitored = project?.root !== undefined && project.config.alerts.length > 0 && project.config.monitoring.prediction_log.enabled;
  let stopping = false;
  const retraining = monitored ? await alertRetraining(options, meta, () => stopping) : undefined;
  const retrain = retraining ? retrainOnAlert(retraining.ctx.triggers, { logger, onRequested: events.onRequested }) : undefined;
  const monitoring = monitored
    ? startServingMonitor({
      project: { root: project.root!, config: project.config }, meta, store: openPredictionLogStore({ root: project.root!, config: project.config }, meta, { readerThread: true }), names, stats: options.stats, logger,
      ...(options.droppedPredictions ? { droppedTotal: options.droppedPredictions } : {}),
      onAlert: async (alert) => {
        events.onAlert(alert);
        await retrain?.(alert);
      },
    })
    : undefined;
  return {
    router,
    async stop() {
      stopping = true;
      stopFollowing();
      await monitoring?.stop();
      await analysis?.stop();
      if (retraining?.owned) await retraining.ctx.close();
    },
  };
}

/**
 * The retraining loop fired alerts go to, when a rule retrains a pipeline: the caller's, or one
 * opened here (owned: closed by stop()). One that cannot be opened (a redis queue down) is
 * logged and the deployments are served without it.
 */
async function alertRetraining(options: ServeDeploymentsOptions, meta: MetadataStore, stopping: () => boolean): Promise<{ ctx: RetrainingContext; owned: boolean } | undefined> {
  const { project, logger, events } = options;
  const links = alertRetrainingLinks(project!.config);
  for (const u of links.unknown) events.onWarning(`paddock.yaml: alerts rule '${u.rule}' notifies retrain:${u.pipeline}, which is not in retraining.pipelines (known: ${Object.keys(project!.config.retraining.pipelines).join(', ') || 'none'}); its alerts retrain nothing`);
  if (links.rules.size === 0) return undefined;
  if (options.retraining) return { ctx: options.retraining, owned: false };
  const whole = wholeProject(project);
  if (!whole) return undefined;
  try {
    return { ctx: await retrainingContextOn(whole, meta, { stopping, onStarted: events.onStarted, onFinished: events.onFinished }), owned: true };
  } catch (err) {
    logger.error({ err }, `alerts will not trigger retraining: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  }
}

/** serve and server pass their whole project; tests may pass only its config. */
function wholeProject(p: ServeDeploymentsOptions['project']): Project | undefined {
  return p?.root !== undefined && p.stateDir !== undefined && p.logger !== undefined ? p as Project : undefined;
}
