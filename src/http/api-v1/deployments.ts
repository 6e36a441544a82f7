import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { fail } from '../../core/errors.js';
import { parseLabelItems } from '../../monitoring/index.js';
import type { Actor } from '../../registry/index.js';
import type { AnalysisConfig, DeploymentChange, TrafficPolicy } from '../../serving/index.js';
import { actorOf, type ServerContext } from '../context.js';
import { body, params } from './validate.js';

// Only the shape is checked here (which keys, which are required); the values go to the same
// validators the CLI uses (validatePolicy, resolveAnalysisConfig), so the messages match and name
// the field as a JSON path (`policy.candidates[0].weight`, `analysis.noData`).
const value = z.unknown().optional();
const notNull = z.unknown().optional().refine((v) => v !== null, { message: 'cannot be removed (null): give a value or leave it out' });
const analysisFields: Readonly<Record<keyof AnalysisConfig, typeof value>> = {
  intervalSeconds: value, stepWeights: value, threshold: value, minSamples: value, successRate: value, p99LatencyMs: value, noData: value,
  minAgreement: value, maxMeanAbsDelta: value, maxLabelShift: value,
};
const analysisBody = z.strictObject(analysisFields);
const policyBody = z.strictObject({ stable: value, candidates: value, mirror: value, sticky: value });
const revision = z.number().int().positive();

const nameParams = z.object({ name: z.string().min(1) });
const createBody = z.strictObject({ name: z.string(), model: z.string(), policy: policyBody, analysis: analysisBody.optional(), reason: z.string().optional() });
const patchBody = z.strictObject({
  stable: notNull, candidates: notNull, mirror: value, sticky: value, analysis: analysisBody.nullable().optional(),
  expectedRevision: revision.optional(), reason: z.string().optional(),
});
const transitionBody = z.strictObject({ expectedRevision: revision.optional(), reason: z.string().optional() });
const deleteBody = z.strictObject({ reason: z.string().optional() });
// Items are checked by parseLabelItems (shared with `paddock monitor labels`), which names `labels[i].field`.
const labelsBody = z.strictObject({ labels: z.array(z.unknown()).min(1), key_column: z.string().min(1).optional() });

/** The token's identity, and the body's reason over the X-Paddock-Reason header's. */
function by(req: FastifyRequest, reason: string | undefined): Actor {
  const actor = actorOf(req);
  return reason === undefined ? actor : { ...actor, reason };
}

/** Keeps the keys a PATCH gave (an explicit null is kept: it removes). */
function given<T extends object>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Paddock's deployments API, thin over DeploymentService (the same use-cases as `paddock deploy`):
 * list, create, get, change (PATCH), promote, rollback, history, delete. Writes need the writer
 * role, deleting the admin role (it takes down what callers depend on); every change records the
 * token's name as actor.
 */
export function deploymentsV1(app: FastifyInstance, ctx: ServerContext): void {
  const { deployments } = ctx;
  app.get('/deployments', async () => ({ items: await deployments.list() }));
  app.post('/deployments', async (req, reply) => {
    const b = body(req, createBody);
    const input = { name: b.name, model: b.model, policy: b.policy as TrafficPolicy, ...(b.analysis ? { analysis: b.analysis as Partial<AnalysisConfig> } : {}) };
    return reply.code(201).send(await deployments.create(input, by(req, b.reason), { where: 'policy' }));
  });
  app.get('/deployments/:name', async (req) => deployments.get(params(req, nameParams).name));
  app.patch('/deployments/:name', async (req) => {
    const { name } = params(req, nameParams);
    const { expectedRevision, reason, ...change } = body(req, patchBody);
    // The policy parts sit at the top level of the body, so errors name them there (`candidates[0].weight`).
    return deployments.update(name, given(change) as DeploymentChange, by(req, reason), { where: '', ...(expectedRevision !== undefined ? { expectedRevision } : {}) });
  });
  app.post('/deployments/:name/promote', async (req) => {
    const { name } = params(req, nameParams);
    const { expectedRevision, reason } = body(req, transitionBody);
    return deployments.promote(name, by(req, reason), expectedRevision !== undefined ? { expectedRevision } : {});
  });
  app.post('/deployments/:name/rollback', async (req) => {
    const { name } = params(req, nameParams);
    const { expectedRevision, reason } = body(req, transitionBody);
    return deployments.rollback(name, by(req, reason), expectedRevision !== undefined ? { expectedRevision } : {});
  });
  // Ground truth for logged predictions (writer role: a POST), joined by request id or key column.
  app.post('/deployments/:name/labels', async (req) => {
    const { name } = params(req, nameParams);
    const b = body(req, labelsBody);
    if (!ctx.labels) fail('INVALID_STATE', 'this server has no prediction log to join labels to: enable monitoring.prediction_log in paddock.yaml', { deployment: name });
    const labels = parseLabelItems(b.labels);
    const keyColumn = b.key_column ?? ctx.labels.keyColumnOf(name);
    if (keyColumn === undefined && labels.some((l) => l.requestId === undefined)) {
      const i = labels.findIndex((l) => l.requestId === undefined);
      fail('INVALID_ARGUMENT', `labels[${i}]: a label by key needs a key column: send key_column, or set monitoring.labels.key_column in paddock.yaml`, { field: `labels[${i}].key` });
    }
    return ctx.labels.store.attachLabels(name, labels, { joinWindowMs: ctx.labels.joinWindowMs, ...(keyColumn !== undefined ? { keyColumn } : {}) });
  });
  app.get('/deployments/:name/history', async (req) => ({ events: await deployments.history(params(req, nameParams).name) }));
  app.delete('/deployments/:name', { config: { access: 'admin' } }, async (req, reply) => {
    const { name } = params(req, nameParams);
    await deployments.delete(name, by(req, body(req, deleteBody).reason));
    return reply.code(204).send();
  });
}
