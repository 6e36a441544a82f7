import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';
import { artifactUris } from './artifact-uris.js';
import { artifactListRoutes, artifactProxyRoutes } from './artifacts.js';
import { experimentRoutes } from './experiments.js';
import { metricRoutes } from './metrics.js';
import { modelVersionRoutes } from './model-versions.js';
import { registeredModelRoutes } from './registered-models.js';
import { runRoutes } from './runs.js';

/** MLflow's REST API: `/api/2.0/mlflow/…` and the proxied artifacts under `/api/2.0/mlflow-artifacts/…`. */
export async function mlflowApi(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const uris = artifactUris(ctx.artifactRoot);
  await app.register(async (mlflow) => {
    experimentRoutes(mlflow, ctx, uris);
    runRoutes(mlflow, ctx, uris);
    metricRoutes(mlflow, ctx);
    artifactListRoutes(mlflow, ctx, uris);
    registeredModelRoutes(mlflow, ctx, uris);
    modelVersionRoutes(mlflow, ctx, uris);
  }, { prefix: '/api/2.0/mlflow' });
  await app.register(async (proxy) => artifactProxyRoutes(proxy, ctx), { prefix: '/api/2.0/mlflow-artifacts' });
}
