import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fail } from '../../core/errors.js';
import { listFilesAtRev, readAtRev } from '../../core/git.js';
import type { Project } from '../../core/project.js';
import { MD5_PATTERN } from '../object-key.js';
import { lockOutputs } from '../pipeline-outputs.js';
import { parsePointer, type PointerFile } from '../pointer-file.js';
import { scanRepo } from '../repo-scan.js';
import { commitsInScope } from '../used-objects.js';

/** One cached output a transfer must move: its top-level hash and where it is tracked. */
export interface UsedObject {
  /** File md5, or `<md5>.dir` for a directory. */
  readonly md5: string;
  /** Repo-relative posix path of the output. */
  readonly path: string;
  /** Size recorded in the pointer (0 when absent). */
  readonly size: number;
  /** Set when the output was found at a git revision rather than in the workspace. */
  readonly rev?: string;
  /** Per-output remote (`remote:` in the .dvc file or dvc.yaml). */
  readonly remote?: string;
  /** False when the output opted out of push (`push: false`). */
  readonly push?: boolean;
}

/** Which outputs a transfer covers. */
export interface TransferScope {
  /** Paths of outputs, directories containing outputs, or .dvc files; default: all. */
  readonly targets?: readonly string[];
  /** Git revisions whose pointers count as well as the workspace's. */
  readonly revs?: readonly string[];
  /** Every commit of every branch and tag. */
  readonly allCommits?: boolean;
}

const METADATA = /(^|\/)(dvc\.lock|[^/]+\.dvc)$/;

/**
 * Collects the cached outputs referenced by the workspace's `.dvc` files and `dvc.lock` files
 * (and, when asked, by the same files at git revisions), with their paths, so transfers can
 * honour targets, per-output `remote:`/`push: false`, and push a directory's `.dir` last.
 * Each object appears once per path; the workspace's entry wins over a revision's. DVC 2.x
 * legacy outputs (no `hash: md5`) are left out: their objects live outside `files/md5`.
 */
export async function collectUsed(project: Project, scope: TransferScope = {}): Promise<UsedObject[]> {
  const found: UsedObject[] = [];
  const scan = scanRepo(project);
  for (const p of scan.pointers) found.push(...pointerOuts(project, p));
  for (const yaml of scan.pipelineFiles) {
    const lock = path.join(path.dirname(yaml), 'dvc.lock');
    if (existsSync(lock)) found.push(...lockOuts(project, lock, readFileSync(lock, 'utf8')));
  }
  for (const commit of await commitsInScope(project, { revs: scope.revs, allCommits: scope.allCommits })) {
    for (const file of (await listFilesAtRev(project.root, commit, METADATA)).filter((f) => !f.split('/').includes('.dvc'))) {
      const text = await readAtRev(project.root, commit, file);
      if (text === undefined) continue;
      const abs = path.join(project.root, ...file.split('/'));
      const outs = file.endsWith('dvc.lock') ? lockOuts(project, abs, text) : pointerOuts(project, parsePointer(text, abs));
      found.push(...outs.map((u) => ({ ...u, rev: commit })));
    }
  }
  const unique = new Map<string, UsedObject>();
  for (const u of found) if (!unique.has(`${u.md5}\0${u.path}`)) unique.set(`${u.md5}\0${u.path}`, u);
  return filterTargets(project, [...unique.values()], scope.targets);
}

function pointerOuts(project: Project, p: PointerFile): UsedObject[] {
  return p.outs
    .filter((o) => o.md5 !== undefined && o.hashName === 'md5' && o.extra.cache !== false)
    .map((o) => ({
      md5: o.md5!,
      path: repoPath(project, path.resolve(p.wdir, o.path)),
      size: o.size ?? 0,
      remote: typeof o.extra.remote === 'string' ? o.extra.remote : undefined,
      push: o.extra.push === false ? false : undefined,
    }));
}

function lockOuts(project: Project, lock: string, text: string): UsedObject[] {
  const dir = path.dirname(lock);
  return lockOutputs(text, lock)
    .filter((o) => o.md5 !== undefined && MD5_PATTERN.test(o.md5))
    .map((o) => ({ md5: o.md5!, path: repoPath(project, path.resolve(dir, o.path)), size: o.size ?? 0 }));
}

function repoPath(project: Project, abs: string): string {
  return path.relative(project.root, abs).split(path.sep).join('/');
}

function filterTargets(project: Project, used: UsedObject[], targets: readonly string[] | undefined): UsedObject[] {
  if (!targets || targets.length === 0) return used;
  const wanted = targets.map((t) => path.relative(project.root, path.resolve(project.root, t)).split(path.sep).join('/').replace(/\.dvc$/, ''));
  const picked = used.filter((u) => wanted.some((w) => w === '' || u.path === w || u.path.startsWith(`${w}/`)));
  const unmatched = wanted.filter((w) => !used.some((u) => w === '' || u.path === w || u.path.startsWith(`${w}/`)));
  if (unmatched.length > 0) fail('PATH_NOT_FOUND', `'${unmatched[0]}' is not a tracked output (no .dvc file or dvc.lock entry tracks it)`, { target: unmatched[0] });
  return picked;
}
