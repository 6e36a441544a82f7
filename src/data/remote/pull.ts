import path from 'node:path';
import { isPaddockError } from '../../core/errors.js';
import type { Project } from '../../core/project.js';
import { withRepoLock } from '../../core/repo-lock.js';
import { checkoutPath } from '../checkout-path.js';
import { fetchUsed, type FetchOptions, type FetchReport } from './fetch.js';
import { collectUsed } from './used-objects.js';

/** Options of `paddock pull`. */
export interface PullOptions extends FetchOptions {
  /** Overwrite workspace changes that are not in the cache. */
  readonly force?: boolean;
}

/** What a pull did. */
export interface PullReport {
  readonly fetched: readonly FetchReport[];
  /** Repo-relative paths written into the workspace. */
  readonly restored: readonly string[];
  /** Repo-relative paths already matching. */
  readonly unchanged: readonly string[];
}

/**
 * fetch + checkout: downloads what the targets (default: the whole workspace) need and then
 * restores them in the workspace. Outputs whose objects all arrived are checked out even when
 * others failed; the first failure is thrown after that, so a partial pull still gives the
 * user every complete output.
 */
export async function pull(project: Project, options: PullOptions = {}): Promise<PullReport> {
  return withRepoLock(project.stateDir, async () => {
    const used = await collectUsed(project, options);
    const { reports, error } = await fetchUsed(project, used, options);
    const restored: string[] = [];
    const unchanged: string[] = [];
    let checkoutError: unknown;
    for (const u of used.filter((x) => x.rev === undefined)) {
      try {
        const what = await checkoutPath(project, { md5: u.md5, size: u.size }, path.join(project.root, ...u.path.split('/')), { force: options.force });
        (what === 'restored' ? restored : unchanged).push(u.path);
      } catch (err) {
        // Missing objects were already reported by the fetch; keep going with the rest.
        if (!(error && isPaddockError(err, 'CACHE_MISSING'))) checkoutError ??= err;
      }
    }
    if (error) throw error;
    if (checkoutError) throw checkoutError;
    return { fetched: reports, restored, unchanged };
  });
}
