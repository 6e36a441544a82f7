/**
 * `paddock serve`: a Fastify server with only the model-serving routes (stateless: models come
 * from the registry and artifact store by URI). The same routes mount in `paddock server`.
 */
import http from 'node:http';
import Fastify, { type FastifyInstance } from 'fastify';
import { fail } from '../../core/errors.js';
import { silentLogger, type Logger } from '../../core/logging.js';
import type { PredictionSink } from '../../monitoring/index.js';
import type { DeploymentRouter, ModelPool, VariantStats } from '../../serving/index.js';
import { errorHandler } from '../errors.js';
import { closeConnectionsOnClose } from '../close-connections.js';
import { installCsvParser, installJsonParser } from '../json-body.js';
import { InferenceLane } from './inference-lane.js';
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
  /** Headers every response carries (`serve --workers`: which worker answered). */
  readonly responseHeaders?: Readonly<Record<string, string>>;
}

/** Builds the server (not listening yet). Closing it drains in-flight requests; new ones get 503. */
export async function buildServingServer(options: ServingServerOptions): Promise<FastifyInstance> {
  const logger = options.logger ?? silentLogger;
  // Fastify's request ids are the serving ones (the caller's x-request-id, else a UUIDv7): made once per request.
  const bodyLimit = options.bodyLimitBytes ?? 64 * 2 ** 20;
  const headers = options.responseHeaders ?? {};
  const lane = new InferenceLane(bodyLimit, headers);
  const app = Fastify({
    bodyLimit, forceCloseConnections: 'idle', return503OnClosing: true, requestIdHeader: false, genReqId: servingRequestId,
    // Fastify's own server settings, on a server whose requests pass the inference lane first.
    serverFactory: (handler, opts) => {
      const settings = opts as { keepAliveTimeout: number; requestTimeout: number; connectionTimeout: number };
      const server = http.createServer(lane.listener(handler));
      server.keepAliveTimeout = settings.keepAliveTimeout;
      server.requestTimeout = settings.requestTimeout;
      server.setTimeout(settings.connectionTimeout);
      return server;
    },
  });
  const fieldNames = Object.keys(headers);
  if (fieldNames.length > 0) {
    app.addHook('onRequest', (_req, reply, done) => {
      for (const field of fieldNames) void reply.header(field, headers[field]!);
      done();
    });
  }
  app.addHook('preClose', (done) => {
    lane.close();
    done();
  });
  installJsonParser(app);
  installCsvParser(app);
  app.setErrorHandler(errorHandler(logger));
  app.setNotFoundHandler((request) => fail('NOT_FOUND', `no endpoint ${request.method} ${request.url.split('?')[0]}`, { method: request.method }));
  closeConnectionsOnClose(app);
  app.get('/health', async () => ({ status: 'ok' }));
  const v2 = servingRoutes(app, { pool: options.pool, metrics: options.metrics ?? new ServingMetrics({ processMetrics: true }), logger, version: options.version, ...(options.router && { router: options.router }), ...(options.variantStats && { variantStats: options.variantStats }), ...(options.predictionLog && { predictionLog: options.predictionLog }), fastifyRequestIds: true });
  lane.serve(v2);
  return app;
}
