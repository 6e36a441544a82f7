import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../context.js';
import { approvalsV1 } from './approvals.js';
import { deploymentsV1 } from './deployments.js';
import { experimentsV1 } from './experiments.js';
import { metricsV1 } from './metrics.js';
import { OPENAPI } from './openapi.js';
import { registryV1 } from './registry.js';
import { runsV1 } from './runs.js';
import { whoamiV1 } from './whoami.js';

/** Paddock's own API, mounted under /api/v1. */
export function paddockApi(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/openapi.json', async () => OPENAPI);
  whoamiV1(app);
  experimentsV1(app, ctx);
  runsV1(app, ctx);
  metricsV1(app, ctx);
  registryV1(app, ctx);
  deploymentsV1(app, ctx);
  if (ctx.promotion) approvalsV1(app, ctx, ctx.promotion);
}
