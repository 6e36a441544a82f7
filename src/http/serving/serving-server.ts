/**
 * `paddock serve`: a Fastify server with only the model-serving routes (stateless: models come
 * from the registry and artifact store by URI). The same routes mount in `paddock server`.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { fail } from '../../core/errors.js';
import { silentLogger, type Logger } from '../../core/logging.js';
import type { PredictionSink } from '../../monitoring/index.js';
import type { DeploymentRouter, ModelPool, VariantStats } from '../../serving/index.js';
import { errorHandler } from '../errors.js';
import { closeConnectionsOnClose } from '../close-connections.js';
import { installCsvParser, installJsonParser } from '../json-body.js';
import { servingRequestId } from './request-id.js';
import { ServingMetrics } from './serving-metrics.js';
import { servingRoutes } from './serving-routes.js';

/** What the serving server is built from. */
export interface ServingServerOptions {
  readonly pool: ModelPool;
  readonly version: string;
  readonly logger?: Logger;
  readonly metrics?: ServingMetrics;
  readonly bodyLimitBytes?: number;
  /** Routes deployment names by their traffic policies (canary, sticky, shadow). */
  readonly router?: DeploymentRouter;
  /** Receives the outcome of every routed inference (canary analysis). */
  readonly variantStats?: VariantStats;
  /** The prediction log every answered row is recorded to. */
  readonly predictionLog?: PredictionSink;
}

/** Builds the server (not listening yet). Closing it drains in-flight requests; new ones get 503. */
export async function buildServingServer(options: ServingServerOptions): Promise<FastifyInstance> {
  const logger = options.logger ?? silentLogger;
  // Fastify's request ids are the serving ones (the caller's x-request-id, else a UUIDv7): made once per request.
  const app = Fastify({ bodyLimit: options.bodyLimitBytes ?? 64 * 2 ** 20, forceCloseConnections: 'idle', return503OnClosing: true, requestIdHeader: false, genReqId: servingRequestId });
  installJsonParser(app);
  installCsvParser(app);
  app.setErrorHandler(errorHandler(logger));
  app.setNotFoundHandler((request) => fail('NOT_FOUND', `no endpoint ${request.method} ${request.url.split('?')[0]}`, { method: request.method }));
  closeConnectionsOnClose(app);
  app.get('/health', async () => ({ status: 'ok' }));
  servingRoutes(app, { pool: options.pool, metrics: options.metrics ?? new ServingMetrics({ processMetrics: true }), logger, version: options.version, ...(options.router && { router: options.router }), ...(options.variantStats && { variantStats: options.variantStats }), ...(options.predictionLog && { predictionLog: options.predictionLog }), fastifyRequestIds: true });
  return app;
}
