import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fail, fromSystemError, isPaddockError } from '../../core/errors.js';
import type { Project } from '../../core/project.js';
import { isDirHash } from '../object-key.js';
import { cacheOf } from './local-data.js';
import { fetchObjects } from './fetch.js';
import { openTransferRemote } from './open-remote.js';

/**
 * Puts the file with DVC md5 `md5` at `dest`: from the local cache, else fetched (verified) from
 * the project's default remote first. For rebuilding from lineage, where only the hash is known.
 */
export async function restoreFileByHash(project: Project, md5: string, dest: string): Promise<'cache' | 'remote'> {
  if (isDirHash(md5)) fail('INVALID_ARGUMENT', `${md5} is a directory hash; restore its files one by one`, { md5 });
  const cache = cacheOf(project);
  let from: 'cache' | 'remote' = 'cache';
  if (!cache.has(md5)) {
    from = 'remote';
    let remote;
    try {
      remote = openTransferRemote(project, undefined, undefined);
    } catch (err) {
      if (isPaddockError(err)) fail('CACHE_MISSING', `data ${md5} is not in the cache and no remote is configured to fetch it from; add one with \`paddock remote add\``, { md5 }, err);
      throw err;
    }
    try {
      await fetchObjects(project, remote.store, [md5], 1);
    } finally {
      await remote.store.close?.();
    }
  }
  await fs.mkdir(path.dirname(dest), { recursive: true });
  await fs.copyFile(cache.pathOf(md5), dest).catch((err: unknown) => {
    throw fromSystemError(err, dest);
  });
  return from;
}
