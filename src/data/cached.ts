import { existsSync, readFileSync } from 'node:fs';
import { fail } from '../core/errors.js';
import type { Project } from '../core/project.js';
import { dataContext, type DataContext } from './data-context.js';
import { parseManifest } from './dir-manifest.js';
import { isDirHash } from './object-key.js';
import type { DirEntry, HashInfo } from './types.js';

/** Where an object lives: the DVC 3 layout, or the DVC 2.x legacy one for old pointers. */
export function objectPath(ctx: DataContext, md5: string, legacy = false): string {
  return legacy ? ctx.cache.legacyPathOf(md5) : ctx.cache.pathOf(md5);
}

/** The entries of a `.dir` object in the cache; CACHE_MISSING if absent, CACHE_CORRUPT if unreadable. */
export async function readDirManifest(project: Project, md5: string): Promise<readonly DirEntry[]> {
  return readManifest(dataContext(project), md5);
}

/** Synchronous manifest read, optionally from the legacy layout. */
export function readManifest(ctx: DataContext, md5: string, legacy = false): DirEntry[] {
  const file = objectPath(ctx, md5, legacy);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    fail('CACHE_MISSING', `directory manifest ${md5} is not in the cache (${file})`, { md5, path: file });
  }
  return parseManifest(bytes, file);
}

/** Whether an object is cached: for a directory, the manifest and every file it lists. */
export async function isCached(project: Project, hash: HashInfo): Promise<boolean> {
  return missingObjects(dataContext(project), hash.md5).length === 0;
}

/**
 * The objects of `md5` (and, for a directory, of its files) absent from the cache. A directory
 * found complete is remembered in the state database so the next check is one query.
 */
export function missingObjects(ctx: DataContext, md5: string, legacy = false): string[] {
  if (!existsSync(objectPath(ctx, md5, legacy))) return [md5];
  if (!isDirHash(md5)) return [];
  if (!legacy && ctx.state.isDirCached(md5)) return [];
  const missing = readManifest(ctx, md5, legacy).filter((e) => !existsSync(objectPath(ctx, e.md5, legacy))).map((e) => e.md5);
  if (missing.length === 0 && !legacy) ctx.state.markDirCached(md5);
  return missing;
}
