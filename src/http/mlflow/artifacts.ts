import { createWriteStream, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { isPaddockError, PaddockError } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import type { ObjectInfo, ObjectStore } from '../../core/object-store.js';
import { childrenOf, safeArtifactPath } from '../artifact-path.js';
import type { ServerContext } from '../context.js';
import type { ArtifactUris } from './artifact-uris.js';
import { parseRequest, runIdOf, str } from './request.js';

const listSchema = z.object({ run_id: str.optional(), run_uuid: str.optional(), path: str.optional(), page_token: str.optional() });

/** MLflow's artifacts/list for a run: immediate children of `path`, paths relative to the run root. */
export function artifactListRoutes(app: FastifyInstance, ctx: ServerContext, uris: ArtifactUris): void {
  app.get('/artifacts/list', async (req) => {
    const r = parseRequest(req, listSchema);
    const dir = safeArtifactPath(r.path ?? '');
    const run = await ctx.tracking.getRun(runIdOf(r));
    const store = ctx.artifacts(run.info.artifactUri);
    const files = childrenOf(dir, await collect(store, dir));
    return {
      root_uri: uris.toClient(run.info.artifactUri),
      ...(files.length ? { files: files.map((f) => (f.isDir ? { path: f.path, is_dir: true } : { path: f.path, is_dir: false, file_size: f.size })) } : {}),
    };
  });
}

/**
 * MLflow's proxied artifact service (`/api/2.0/mlflow-artifacts/artifacts/<path>`: GET downloads,
 * PUT uploads the raw body, DELETE removes a file or directory; GET without a path lists),
 * over the server's artifact root. Register inside its own plugin: it replaces the body parsers.
 */
export function artifactProxyRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const store = (): ObjectStore => ctx.artifacts(ctx.artifactRoot);
  // Uploads are streamed to a temp file, never buffered whole, whatever their content type.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_req, payload, done) => done(null, payload));

  app.get('/artifacts', async (req) => {
    const r = parseRequest(req, z.object({ path: str.optional() }));
    const dir = safeArtifactPath(r.path ?? '');
    const files = childrenOf(dir, await collect(store(), dir));
    // The proxy lists base names (handlers._list_artifacts_mlflow_artifacts).
    const out = files.map((f) => (f.isDir ? { path: path.posix.basename(f.path), is_dir: true } : { path: path.posix.basename(f.path), is_dir: false, file_size: f.size }));
    return out.length ? { files: out } : {};
  });

  app.get('/artifacts/*', async (req, reply) => {
    const key = artifactKey(req.params);
    return sendObject(reply, store(), key);
  });

  app.put('/artifacts/*', async (req) => {
    const key = artifactKey(req.params);
    const body = req.body as Readable | undefined;
    const tmp = path.join(os.tmpdir(), `paddock-upload-${newId()}`);
    try {
      await pipeline(body ?? Readable.from([]), createWriteStream(tmp));
      await store().putFile(key, tmp);
    } finally {
      await fs.rm(tmp, { force: true });
    }
    return {};
  });

  app.delete('/artifacts/*', async (req) => {
    const key = artifactKey(req.params);
    // A file, or a directory: everything under `key/`.
    const objects = store();
    const keys = [...(await objects.hasMany([key])), ...(await collect(objects, key)).map((o) => o.key)];
    await objects.deleteMany(keys);
    return {};
  });
}

function artifactKey(params: unknown): string {
  const raw = (params as { '*'?: string })['*'] ?? '';
  const key = safeArtifactPath(raw);
  if (key === '') throw new PaddockError('INVALID_ARGUMENT', "Invalid value \"\" for parameter 'path': name an artifact after /artifacts/", { field: 'path' });
  return key;
}

async function collect(store: ObjectStore, dir: string): Promise<ObjectInfo[]> {
  const out: ObjectInfo[] = [];
  for await (const o of store.list(dir === '' ? '' : `${dir}/`)) out.push(o);
  return out;
}

async function sendObject(reply: FastifyReply, store: ObjectStore, key: string): Promise<FastifyReply> {
  try {
    const body = store.getStream ? await store.getStream(key) : Buffer.from(await store.getBytes(key));
    return reply
      .type('application/octet-stream')
      .header('content-disposition', `attachment; filename="${path.posix.basename(key).replace(/"/g, '')}"`)
      .header('x-content-type-options', 'nosniff')
      .send(body);
  } catch (err) {
    // The store's message names its location on the server; the client needs only the path.
    if (isPaddockError(err, 'REMOTE_OBJECT_MISSING') || isPaddockError(err, 'PATH_NOT_FOUND')) {
      throw new PaddockError('NOT_FOUND', `artifact '${key}' does not exist`, { path: key }, { cause: err });
    }
    throw err;
  }
}
