import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { approveVersion, type PromotionStore } from '../../automation/promotion/index.js';
import { actorOf, type ServerContext } from '../context.js';
import { params, validate } from './validate.js';

const nameParams = z.object({ name: z.string().min(1) });
const versionParams = z.object({ name: z.string().min(1), version: z.coerce.number().int().positive() });
const approveBody = z.strictObject({ reason: z.string().optional() });

/**
 * Approvals of model versions for promotion policies (`paddock approve`, `paddock approvals`):
 * approving needs the writer role and records the calling token's name as the approver, so one
 * token approves a version once; listing needs read access.
 */
export function approvalsV1(app: FastifyInstance, ctx: ServerContext, store: PromotionStore): void {
  app.post('/models/:name/versions/:version/approvals', async (req, reply) => {
    const p = params(req, versionParams);
    const { reason } = validate(req.body ?? {}, approveBody, 'body');
    const actor = actorOf(req);
    const approval = await approveVersion({ registry: ctx.registry, store }, p.name, p.version, { actor: actor.actor, ...((reason ?? actor.reason) ? { reason: reason ?? actor.reason } : {}) });
    return reply.code(201).send(approval);
  });
  app.get('/models/:name/versions/:version/approvals', async (req) => {
    const p = params(req, versionParams);
    await ctx.registry.getVersion(p.name, p.version);
    return { items: await store.approvals(p.name, p.version) };
  });
  app.get('/models/:name/approvals', async (req) => ({ items: await store.approvals(params(req, nameParams).name) }));
}
