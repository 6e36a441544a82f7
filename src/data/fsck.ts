import { readFileSync, statSync } from 'node:fs';
import type { Project } from '../core/project.js';
import { md5Hex } from '../core/hashing.js';
import { withRepoLock } from '../core/repo-lock.js';
import { dataContext } from './data-context.js';
import { md5File, md5FileSync, SMALL_FILE } from './hash-file.js';
import { isDirHash } from './object-key.js';
import { collectUsedObjects } from './used-objects.js';

/** What `fsck` found. */
export interface FsckResult {
  readonly checked: number;
  /** Objects whose content does not hash to their name (removed when `repaired`). */
  readonly corrupt: readonly string[];
  /** Objects the workspace references that the cache lacks (corrupt ones are listed above only). */
  readonly missing: readonly string[];
  readonly repaired: boolean;
}

/**
 * `paddock fsck`: re-hashes every object in the cache (a `.dir` by its bytes, as DVC checks
 * it) and lists corrupt ones and those referenced by the workspace but absent. With `repair`
 * the corrupt objects are removed (under the lock) so a `pull` can fetch good copies.
 */
export async function fsck(project: Project, options: { repair?: boolean } = {}): Promise<FsckResult> {
  const run = async (): Promise<FsckResult> => {
    const ctx = dataContext(project);
    const objects = ctx.cache.list();
    const bar = project.progress('checking cache', 'files');
    bar.addTotal(objects.length);
    const corrupt: string[] = [];
    try {
      let next = 0;
      const worker = async () => {
        while (next < objects.length) {
          const md5 = objects[next++]!;
          if ((await rehash(ctx.cache.pathOf(md5))) !== md5.replace(/\.dir$/, '')) corrupt.push(md5);
          bar.tick();
        }
      };
      await Promise.all(Array.from({ length: 4 }, worker));
    } finally {
      bar.done();
    }
    const present = new Set(objects);
    const used = await collectUsedObjects(project, { workspace: true });
    const missing = [...used].filter((m) => !present.has(m)).sort();
    if (options.repair && corrupt.length > 0) {
      ctx.state.forgetCachedDirs();
      for (const md5 of corrupt) ctx.cache.remove(md5);
    }
    // Corrupt `.dir` objects are not expanded, so their files count as unreferenced, not missing.
    return { checked: objects.length, corrupt: corrupt.sort(), missing, repaired: Boolean(options.repair) && corrupt.length > 0 };
  };
  return options.repair ? withRepoLock(project.stateDir, run) : run();
}

async function rehash(file: string): Promise<string> {
  try {
    const size = statSync(file).size;
    if (size <= SMALL_FILE) return isDirHash(file) ? md5Hex(readFileSync(file)) : md5FileSync(file, size);
    return await md5File(file);
  } catch {
    return ''; // unreadable counts as corrupt
  }
}
