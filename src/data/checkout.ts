import path from 'node:path';
import { fail, isPaddockError } from '../core/errors.js';
import type { Project } from '../core/project.js';
import { withRepoLock } from '../core/repo-lock.js';
import { checkoutPath } from './checkout-path.js';
import { scanRepo } from './repo-scan.js';
import { repoRelative, resolveInRepo } from './resolve-path.js';

/** What `checkout` did. */
export interface CheckoutResult {
  readonly restored: readonly string[];
  readonly unchanged: readonly string[];
  /** Outputs whose objects are not in the cache (nothing was changed for them). */
  readonly missing: readonly string[];
}

/**
 * `paddock checkout [targets…]`: restores every tracked output (or the given pointers or
 * outputs) from the cache. Outputs with objects missing are reported and skipped; the
 * command then fails with CACHE_MISSING after restoring the others, as DVC does.
 */
export async function checkoutTargets(project: Project, targets: readonly string[], options: { force?: boolean; cwd?: string } = {}): Promise<CheckoutResult> {
  const wanted = targets.map((t) => resolveInRepo(project, t, options.cwd ?? project.root));
  return withRepoLock(project.stateDir, async () => {
    const restored: string[] = [];
    const unchanged: string[] = [];
    const missing: string[] = [];
    const found = new Set<string>();
    for (const pointer of scanRepo(project).pointers) {
      for (const out of pointer.outs) {
        const abs = path.resolve(pointer.wdir, out.path);
        const hit = wanted.find((w) => w === pointer.file || w === abs);
        if (wanted.length > 0 && !hit) continue;
        if (hit) found.add(hit);
        const rel = repoRelative(project, abs);
        if (!out.md5 || out.extra.cache === false) continue;
        try {
          const r = await checkoutPath(project, { md5: out.md5, size: out.size ?? 0, nfiles: out.nfiles }, abs, { force: options.force, legacy: out.hashName === 'md5-dos2unix' });
          (r === 'restored' ? restored : unchanged).push(rel);
        } catch (err) {
          if (!isPaddockError(err, 'CACHE_MISSING')) throw err;
          missing.push(rel);
        }
      }
    }
    const unknown = wanted.filter((w) => !found.has(w));
    if (unknown.length > 0) fail('PATH_NOT_FOUND', `${repoRelative(project, unknown[0]!)}: not tracked by any .dvc file`, { path: unknown[0] });
    return { restored, unchanged, missing };
  });
}
