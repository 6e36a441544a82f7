import Fastify, { type FastifyInstance } from 'fastify';
import { fail } from '../core/errors.js';
import { silentLogger, type Logger } from '../core/logging.js';
import type { ObjectStore } from '../core/object-store.js';
import type { PredictionLogCounts, PredictionSink } from '../monitoring/index.js';
import type { PromotionStore } from '../automation/promotion/index.js';
import type { RegistryStore } from '../registry/index.js';
import type { TrackingStore } from '../tracking/index.js';
import { paddockApi } from './api-v1/routes.js';
import { installAuth } from './auth/auth-hook.js';
import type { TokenStore } from './auth/token-store.js';
import { DEFAULT_LIMITS, type Limits, type ServerContext } from './context.js';
import { errorHandler } from './errors.js';
import { closeConnectionsOnClose } from './close-connections.js';
import { installCsvParser, installJsonParser } from './json-body.js';
import { mlflowApi } from './mlflow/routes.js';
import { ServingMetrics } from './serving/serving-metrics.js';
import { servingRoutes } from './serving/serving-routes.js';
import { webUi } from './web-ui.js';
import { DeploymentService, type DeploymentRouter, type DeploymentStore, type ModelPool, type VariantStats } from '../serving/index.js';

/** One registered route (the OpenAPI test checks /api/v1 against them). */
export interface RouteEntry {
  readonly method: string;
  readonly url: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route the server registered, in order. */
    readonly paddockRoutes: readonly RouteEntry[];
  }
}

/** What the server is built from; tests pass real stores, `paddock server` the project's. */
export interface ServerOptions {
  readonly tracking: TrackingStore;
  readonly registry: RegistryStore;
  /** Where deployments live (/api/v1/deployments); their versions are checked against `registry`. */
  readonly deployments: DeploymentStore;
  /** Opens the object store under an artifact URI (a run's artifact root, or `artifactRoot`). */
  readonly artifacts: (uri: string) => ObjectStore;
  /** The root all run artifacts live under (experiments' default artifact locations). */
  readonly artifactRoot: string;
  /** Bearer-token auth; absent or false: every request is allowed (local use). */
  readonly auth?: { readonly tokens: TokenStore } | false;
  readonly limits?: Partial<Limits>;
  readonly logger?: Logger;
  /** Approvals for promotion policies (/api/v1/models/{name}/versions/{v}/approvals); absent: no approval routes. */
  readonly promotion?: PromotionStore;
  /** Models to serve beside the APIs (`paddock server --serve …`): /v2, /v1, /invocations, /metrics. */
  readonly serving?: {
    readonly pool: ModelPool;
    readonly version: string;
    /** Deployments served beside the models (`--deployment`), and the stats their canary analysis reads. */
    readonly router?: DeploymentRouter;
    readonly variantStats?: VariantStats;
    /** The prediction log answered rows go to (its counts are on /metrics). */
    readonly predictionLog?: PredictionSink & { counts(): PredictionLogCounts };
  };
  /** The web UI at / (dist/web, built by `npm run build`); default true. */
  readonly webUi?: boolean;
  /** The prediction log labels join to (`POST /api/v1/deployments/{name}/labels`); absent: labels are refused. */
  readonly labels?: ServerContext['labels'];
  /** The stores the monitoring pages read (prediction log, alerts, retrainings, references); absent: those endpoints refuse. */
  readonly monitoring?: ServerContext['monitoring'];
  /** The project the server runs in, for the pipeline and data endpoints (`paddock server` passes its own). */
  readonly project?: ServerContext['project'];
}

/**
 * Builds the Fastify server: Paddock's API under /api/v1, MLflow's under /api/2.0, one error
 * mapper, optional bearer auth. Not listening yet: call `listen` (port 0 in tests).
 */
export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const limits: Limits = { ...DEFAULT_LIMITS, ...options.limits };
  const logger = options.logger ?? silentLogger;
  const app = Fastify({
    bodyLimit: limits.bodyLimitBytes,
    // No Fastify logger: per-request log lines would cost more than a log-metric call itself.
    // Errors go to `logger` from the error handler.
    // On close: drop idle keep-alive sockets at once, let in-flight requests finish.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
  });
  const deployments = new DeploymentService({ deployments: options.deployments, registry: options.registry });
  const ctx: ServerContext = { tracking: options.tracking, registry: options.registry, deployments, artifacts: options.artifacts, artifactRoot: options.artifactRoot, limits, logger, ...(options.labels && { labels: options.labels }), ...(options.promotion && { promotion: options.promotion }), ...(options.monitoring && { monitoring: options.monitoring }), ...(options.project && { project: options.project }),
    ...(options.serving?.variantStats && options.serving.router && { live: { stats: options.serving.variantStats, served: (d: string) => options.serving!.router!.has(d) } }) };

  installJsonParser(app);
  closeConnectionsOnClose(app);
  app.setErrorHandler(errorHandler(logger));
  app.setNotFoundHandler((request) => fail('NOT_FOUND', `no endpoint ${request.method} ${request.url.split('?')[0]}`, { method: request.method }));
  if (options.auth) installAuth(app, options.auth.tokens);

  const routes: RouteEntry[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method: method.toUpperCase(), url: route.url });
  });
  app.decorate('paddockRoutes', routes);

  app.get('/health', async () => ({ status: 'ok' }));
  await mlflowApi(app, ctx);
  await app.register(async (v1) => paddockApi(v1, ctx), { prefix: '/api/v1' });
  if (options.webUi ?? true) await webUi(app);
  if (options.serving) {
    installCsvParser(app);
    const { pool, version, router, variantStats, predictionLog } = options.serving;
    const metrics = new ServingMetrics({ processMetrics: true });
    if (predictionLog) metrics.countPredictionLog(() => predictionLog.counts());
    servingRoutes(app, { pool, metrics, logger, version, ...(router && { router }), ...(variantStats && { variantStats }), ...(predictionLog && { predictionLog }) });
  }
  return app;
}

