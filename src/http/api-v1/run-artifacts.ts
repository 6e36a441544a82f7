import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { isPaddockError, PaddockError } from '../../core/errors.js';
import type { ObjectInfo, ObjectStore } from '../../core/object-store.js';
import { childrenOf, safeArtifactPath } from '../artifact-path.js';
import type { ServerContext } from '../context.js';
import { params, query } from './validate.js';

const idParams = z.object({ id: z.string().min(1) });
const listQuery = z.object({ path: z.string().optional() });
const contentQuery = z.object({ path: z.string().min(1) });

/**
 * A run's artifacts wherever its artifact URI points (the server's root, another directory,
 * S3): GET …/artifacts lists the immediate children of `path`; GET …/artifacts/content answers
 * one file's bytes. Bytes go out as application/octet-stream with nosniff and as an attachment,
 * never as HTML of this origin: the UI previews them itself (HTML in a sandboxed iframe).
 */
export function runArtifactsV1(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/runs/:id/artifacts', async (req) => {
    const { id } = params(req, idParams);
    const dir = safeArtifactPath(query(req, listQuery).path ?? '');
    const run = await ctx.tracking.getRun(id);
    const files = childrenOf(dir, await collect(ctx.artifacts(run.info.artifactUri), dir));
    return { path: dir, files };
  });

  app.get('/runs/:id/artifacts/content', async (req, reply) => {
    const { id } = params(req, idParams);
    const key = safeArtifactPath(query(req, contentQuery).path);
    const run = await ctx.tracking.getRun(id);
    const store = ctx.artifacts(run.info.artifactUri);
    try {
      const body = store.getStream ? await store.getStream(key) : Buffer.from(await store.getBytes(key));
      return reply
        .type('application/octet-stream')
        .header('content-disposition', `attachment; filename="${path.posix.basename(key).replace(/["\\\r\n]/g, '')}"`)
        .header('x-content-type-options', 'nosniff')
        .send(body);
    } catch (err) {
      if (isPaddockError(err, 'REMOTE_OBJECT_MISSING') || isPaddockError(err, 'PATH_NOT_FOUND')) {
        throw new PaddockError('NOT_FOUND', `run ${id} has no artifact '${key}': list them with GET /api/v1/runs/${id}/artifacts`, { path: key }, { cause: err });
      }
      throw err;
    }
  });
}

async function collect(store: ObjectStore, dir: string): Promise<ObjectInfo[]> {
  const out: ObjectInfo[] = [];
  for await (const o of store.list(dir === '' ? '' : `${dir}/`)) out.push(o);
  return out;
}
