import { statSync } from 'node:fs';
import { fail } from '../core/errors.js';
import type { Project } from '../core/project.js';
import { withRepoLock } from '../core/repo-lock.js';
import { dataContext } from './data-context.js';
import { collectUsedObjects, type UsedScope } from './used-objects.js';

/** What `gc` removed (or would remove with `dry`). */
export interface GcResult {
  readonly removed: readonly string[];
  readonly kept: number;
  readonly bytes: number;
  readonly dry: boolean;
}

/**
 * `paddock gc`: removes cache objects referenced neither by the workspace (always kept) nor by
 * the git revisions in `scope`. An explicit scope is required so nothing is deleted by accident.
 */
export async function gc(project: Project, scope: UsedScope & { dry?: boolean }): Promise<GcResult> {
  const explicit = scope.workspace || scope.allCommits || scope.allBranches || scope.allTags || (scope.revs?.length ?? 0) > 0;
  if (!explicit) fail('INVALID_ARGUMENT', 'gc: say what to keep: --workspace, --all-commits, --all-branches, --all-tags or --rev <rev>', {});
  return withRepoLock(project.stateDir, async () => {
    const ctx = dataContext(project);
    const used = await collectUsedObjects(project, { ...scope, workspace: true });
    const removed: string[] = [];
    let bytes = 0;
    let kept = 0;
    for (const md5 of ctx.cache.list()) {
      if (used.has(md5)) {
        kept++;
        continue;
      }
      removed.push(md5);
      bytes += sizeOf(ctx.cache.pathOf(md5));
    }
    if (!scope.dry && removed.length > 0) {
      // Forget "complete in cache" marks first: a kill midway must not leave a stale mark.
      ctx.state.forgetCachedDirs();
      for (const md5 of removed) ctx.cache.remove(md5);
    }
    if (!scope.dry) await ctx.cache.cleanTemp();
    return { removed: removed.sort(), kept, bytes, dry: Boolean(scope.dry) };
  });
}

function sizeOf(p: string): number {
  try {
    return statSync(p).size;
  } catch {
    return 0;
  }
}
