import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { actorOf, type ServerContext } from '../context.js';
import { body, params, query, queryInt, queryList } from './validate.js';

const nameParams = z.object({ name: z.string().min(1) });
const versionParams = z.object({ name: z.string().min(1), version: z.coerce.number().int().positive() });
const aliasParams = z.object({ name: z.string().min(1), alias: z.string().min(1) });
const aliasBody = z.object({ version: z.number().int().positive() });
const searchQuery = z.object({ filter: z.string().optional(), max_results: queryInt.optional(), order_by: queryList.optional(), page_token: z.string().optional() });

/** Paddock's registry API: models, versions, aliases and the audit log. */
export function registryV1(app: FastifyInstance, ctx: ServerContext): void {
  const { registry } = ctx;
  app.get('/models', async (req) => {
    const q = query(req, searchQuery);
    return registry.searchModels({ filter: q.filter, maxResults: q.max_results, orderBy: q.order_by, pageToken: q.page_token });
  });
  app.get('/models/:name', async (req) => registry.getModel(params(req, nameParams).name));
  app.get('/models/:name/versions/:version', async (req) => {
    const p = params(req, versionParams);
    return registry.getVersion(p.name, p.version);
  });
  app.get('/models/:name/audit', async (req) => ({ events: await registry.auditLog(params(req, nameParams).name) }));
  app.get('/models/:name/aliases/:alias', async (req) => {
    const p = params(req, aliasParams);
    return registry.getVersionByAlias(p.name, p.alias);
  });
  app.put('/models/:name/aliases/:alias', { config: { access: 'admin' } }, async (req) => {
    const p = params(req, aliasParams);
    await registry.setAlias(p.name, p.alias, body(req, aliasBody).version, actorOf(req));
    return registry.getVersionByAlias(p.name, p.alias);
  });
  app.delete('/models/:name/aliases/:alias', { config: { access: 'admin' } }, async (req, reply) => {
    const p = params(req, aliasParams);
    await registry.deleteAlias(p.name, p.alias, actorOf(req));
    return reply.code(204).send();
  });
}
