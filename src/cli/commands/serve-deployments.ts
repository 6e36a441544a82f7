/**
 * Serving deployments, shared by `paddock serve --deployment` and `paddock server --deployment`:
 * the router over the model pool, the deployments followed from the metadata store, and the
 * canary analysis stepping, promoting or rolling them back from the requests answered here.
 */
import { openPredictionLogStore } from '../../app-prediction-log.js';
import { promotionGuard } from '../../app-promotion.js';
import { fail } from '../../core/errors.js';
import type { Logger } from '../../core/logging.js';
import type { Project } from '../../core/project.js';
import { CanaryAnalysis, DeploymentRouter, DeploymentService, followDeployments, type ModelPool, type VariantStats } from '../../serving/index.js';
import { SqlDeploymentStore } from '../../storage/sql/deployments/sql-deployment-store.js';
import type { MetadataStore } from '../../storage/sql/open-metadata-store.js';
import { startServingMonitor } from './serve-monitoring.js';
import { SqlRegistryStore } from '../../storage/sql/registry/sql-registry-store.js';
import type { Output } from '../output.js';

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
  readonly out: Output;
  /** The project whose promotion policy guards the analysis' promotions (paddock.yaml `promotion`). */
  readonly project?: Pick<Project, 'config'> & Partial<Pick<Project, 'root'>>;
}

/** The running parts; stop() ends following and the analysis (the caller closes the pool). */
export interface ServedDeployments {
  readonly router: DeploymentRouter;
  stop(): Promise<void>;
}

export async function serveDeployments(options: ServeDeploymentsOptions): Promise<ServedDeployments> {
  const { pool, meta, names, logger, out } = options;
  const router = new DeploymentRouter({
    pool, refFor: (model, version) => `models:/${model}/${version}`, logger,
    onUnloaded: (deployment, version) => out.line(`Deployment ${deployment}: unloaded version ${version} (no policy names it)`),
  });
  if (names.length === 0) return { router, stop: () => Promise.resolve() };
  if (!meta) fail('INTERNAL', 'serving deployments needs the metadata database');
  const store = new SqlDeploymentStore(meta);
  const stopFollowing = await followDeployments({
    store, router, names, logger,
    onRemoved: (name) => out.line(`Deployment ${name} was deleted: no longer served`),
    onApplied: (d) => out.line(`Deployment ${d.name} (revision ${d.revision}): stable ${d.policy.stable}${d.policy.candidates.map((c) => `, canary ${c.version} at ${c.weight}%`).join('')}${d.policy.mirror ? `, mirror ${d.policy.mirror.version} at ${d.policy.mirror.percent}%` : ''}`),
  });
  // Deployments with an analysis config step, promote or roll back their canary from this server's requests.
  const analysis = options.analyse
    ? new CanaryAnalysis({
      service: new DeploymentService({ deployments: options.project ? promotionGuard(options.project, meta).deployments(store) : store, registry: new SqlRegistryStore(meta) }), store,
      stats: options.stats, names, logger, onDecision: (d) => { if (d.kind !== 'hold') out.line(`Deployment ${d.deployment}: ${d.reason}`); },
    })
    : undefined;
  analysis?.start();
  // With alert rules in paddock.yaml, this process also monitors its deployments' logged predictions.
  const project = options.project;
  const monitoring = project?.root !== undefined && project.config.alerts.length > 0 && project.config.monitoring.prediction_log.enabled
    ? startServingMonitor({ project: { root: project.root, config: project.config }, meta, store: openPredictionLogStore({ root: project.root, config: project.config }, meta), names, stats: options.stats, logger })
    : undefined;
  return {
    router,
    async stop() {
      stopFollowing();
      await monitoring?.stop();
      await analysis?.stop();
    },
  };
}
