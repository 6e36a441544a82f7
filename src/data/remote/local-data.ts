import { promises as fs } from 'node:fs';
import { fail, fromSystemError } from '../../core/errors.js';
import type { Project } from '../../core/project.js';
import { parseManifest } from '../dir-manifest.js';
import { ObjectCache } from '../object-cache.js';
import { isDirHash } from '../object-key.js';
import type { DirEntry } from '../types.js';

/**
 * The one place where remotes meet the local cache: where an object lives, whether it is
 * there, and what a `.dir` manifest lists. Kept in one file so the transfer code does not
 * depend on how the cache is implemented beyond DVC's layout.
 */

const caches = new WeakMap<Project, ObjectCache>();

/** The project's object cache (one per project, so its directory memo is shared). */
export function cacheOf(project: Project): ObjectCache {
  let cache = caches.get(project);
  if (!cache) caches.set(project, (cache = new ObjectCache(project.cacheDir)));
  return cache;
}

/** Absolute path of an object in the project's cache (DVC 3 layout). */
export function cachePath(project: Project, md5: string): string {
  return cacheOf(project).pathOf(md5);
}

/** Which of `md5s` the local cache holds. */
export async function cachedSet(project: Project, md5s: Iterable<string>): Promise<Set<string>> {
  const cache = cacheOf(project);
  const found = new Set<string>();
  for (const md5 of md5s) if (cache.has(md5)) found.add(md5);
  return found;
}

/** The entries of a `.dir` object in the cache; CACHE_MISSING if it is not there. */
export async function cachedManifest(project: Project, md5: string): Promise<DirEntry[]> {
  if (!isDirHash(md5)) fail('INTERNAL', `${md5} is not a directory hash`);
  const file = cachePath(project, md5);
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') fail('CACHE_MISSING', `directory manifest ${md5} is not in the cache (${file})`, { md5, path: file });
    throw fromSystemError(err, file);
  }
  return parseManifest(bytes, file);
}
