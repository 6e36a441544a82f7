/**
 * Serves the web UI built by Vite into dist/web: its files, and index.html for every page path
 * the UI routes itself (web/src/routes.tsx), so a reload or a shared link to /runs/abc works.
 * These routes are public; the UI signs in with a token and calls the API like any client.
 */
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The first path segments of the UI's pages (web/src/routes.tsx). */
export const UI_PAGES = ['experiments', 'runs', 'compare', 'pipelines', 'data', 'models', 'deployments', 'monitoring'] as const;

/** dist/web of Paddock's package, found upwards from this file (compiled, bundled or run from src). */
export function webRoot(from = path.dirname(fileURLToPath(import.meta.url))): string | undefined {
  for (let dir = from; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'dist/web');
    if (existsSync(path.join(candidate, 'index.html')) && existsSync(path.join(dir, 'package.json'))) return candidate;
  }
  return undefined;
}

/**
 * Mounts the UI at /. Without a build (dist/web missing) / says how to build it instead; the
 * API works either way.
 */
export async function webUi(app: FastifyInstance, root = webRoot()): Promise<void> {
  await app.register(async (ui) => {
    // Every route of this plugin, @fastify/static's included, is public (auth-hook.ts).
    ui.addHook('onRoute', (route) => {
      route.config = { ...route.config, access: 'public' };
    });
    if (!root) {
      ui.get('/', async (_request, reply) => reply.type('text/plain').send('The web UI is not built: run `npm run build` in the Paddock folder. The API is at /api/v1 (see /api/v1/openapi.json).\n'));
      return;
    }
    // Asset names carry a content hash, so browsers may keep them; index.html is always revalidated.
    await ui.register(fastifyStatic, { root, prefix: '/', index: false, wildcard: false, maxAge: '365d', immutable: true });
    const sendIndex = (_request: FastifyRequest, reply: FastifyReply) => reply.header('cache-control', 'no-cache').sendFile('index.html', { maxAge: 0, immutable: false });
    ui.get('/', sendIndex);
    for (const page of UI_PAGES) {
      ui.get(`/${page}`, sendIndex);
      ui.get(`/${page}/*`, sendIndex);
    }
  });
}
