import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';
import { approvalsV1 } from './approvals.js';
import { deploymentStatsV1 } from './deployment-stats.js';
import { deploymentsV1 } from './deployments.js';
import { experimentColumnsV1 } from './experiment-columns.js';
import { experimentsV1 } from './experiments.js';
import { metricsV1 } from './metrics.js';
import { monitoringV1 } from './monitoring.js';
import { OPENAPI } from './openapi.js';
import { dataV1 } from './data.js';
import { modelVersionsV1 } from './model-versions.js';
import { pipelineV1 } from './pipeline.js';
import { registryV1 } from './registry.js';
import { runArtifactsV1 } from './run-artifacts.js';
import { runsV1 } from './runs.js';
import { whoamiV1 } from './whoami.js';

/** Paddock's own API, mounted under /api/v1. */
export function paddockApi(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/openapi.json', async () => OPENAPI);
  whoamiV1(app);
  experimentsV1(app, ctx);
  experimentColumnsV1(app, ctx);
  runsV1(app, ctx);
  metricsV1(app, ctx);
  runArtifactsV1(app, ctx);
  registryV1(app, ctx);
  modelVersionsV1(app, ctx);
  pipelineV1(app, ctx);
  dataV1(app, ctx);
  deploymentsV1(app, ctx);
  deploymentStatsV1(app, ctx);
  monitoringV1(app, ctx);
  if (ctx.promotion) approvalsV1(app, ctx, ctx.promotion);
}
