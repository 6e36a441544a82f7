import { resolveRev } from '../../core/git.js';
import { revisionTree, workspaceTree, type Tree } from '../definition/tree.js';

/** The workspace's name in diffs, as DVC calls it. */
export const WORKSPACE = 'workspace';

/** A tree for `rev`: the workspace for undefined/`workspace`, else the commit (GIT_ERROR if unknown). */
export async function treeFor(root: string, rev: string | undefined): Promise<Tree> {
  if (rev === undefined || rev === WORKSPACE) return workspaceTree(root);
  await resolveRev(root, rev);
  return revisionTree(root, rev);
}
