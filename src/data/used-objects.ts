import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isPaddockError } from '../core/errors.js';
import { git, listFilesAtRev, readAtRev, resolveRev } from '../core/git.js';
import type { Project } from '../core/project.js';
import { readManifest } from './cached.js';
import { dataContext } from './data-context.js';
import { isDirHash } from './object-key.js';
import { lockOutputs } from './pipeline-outputs.js';
import { parsePointer } from './pointer-file.js';
import { scanRepo } from './repo-scan.js';

/** Which references count: the workspace and/or git revisions. */
export interface UsedScope {
  readonly workspace?: boolean;
  readonly revs?: readonly string[];
  readonly allCommits?: boolean;
  readonly allBranches?: boolean;
  readonly allTags?: boolean;
}

/** Metadata files that reference objects: `.dvc` pointers and dvc.lock files (not .dvc/ internals). */
const METADATA = /(^|\/)(dvc\.lock|[^/]+\.dvc)$/;

/**
 * Every object md5 (files and `.dir`, manifests expanded when present in the cache) referenced
 * by `.dvc` and dvc.lock files in the scope. DVC 2.x legacy pointers are left out: their
 * objects live outside `files/md5` and are never garbage-collected or transferred here.
 */
export async function collectUsedObjects(project: Project, scope: UsedScope): Promise<Set<string>> {
  const roots = new Set<string>();
  if (scope.workspace) for (const md5 of workspaceRefs(project)) roots.add(md5);
  for (const commit of await commitsInScope(project, scope)) {
    for (const md5 of await refsAtCommit(project, commit)) roots.add(md5);
  }
  return expandDirs(project, roots);
}

/** Adds the files of every `.dir` found in the cache. */
export function expandDirs(project: Project, roots: Iterable<string>): Set<string> {
  const ctx = dataContext(project);
  const used = new Set<string>();
  for (const md5 of roots) {
    used.add(md5);
    if (!isDirHash(md5) || !ctx.cache.has(md5)) continue;
    try {
      for (const e of readManifest(ctx, md5)) used.add(e.md5);
    } catch (err) {
      if (!isPaddockError(err, 'CACHE_CORRUPT')) throw err; // fsck reports it; nothing to expand
    }
  }
  return used;
}

function workspaceRefs(project: Project): string[] {
  const scan = scanRepo(project);
  const out: string[] = [];
  for (const p of scan.pointers) for (const o of p.outs) if (o.md5 && o.hashName === 'md5') out.push(o.md5);
  for (const yaml of scan.pipelineFiles) {
    const lock = path.join(path.dirname(yaml), 'dvc.lock');
    if (!existsSync(lock)) continue;
    for (const o of lockOutputs(readFileSync(lock, 'utf8'), lock)) if (o.md5) out.push(o.md5);
  }
  return out;
}

/** The commits a scope names (deduplicated); GIT_ERROR for an unknown revision. */
export async function commitsInScope(project: Project, scope: UsedScope): Promise<string[]> {
  const commits = new Set<string>();
  for (const rev of scope.revs ?? []) commits.add(await resolveRev(project.root, rev));
  const lists: string[][] = [];
  if (scope.allCommits) lists.push(lines(await git(project.root, ['rev-list', '--all'])));
  if (scope.allBranches) lists.push(lines(await git(project.root, ['rev-list', '--no-walk', '--branches'])));
  if (scope.allTags) lists.push(lines(await git(project.root, ['rev-list', '--no-walk', '--tags'])));
  for (const l of lists) for (const c of l) commits.add(c);
  return [...commits];
}

/** Object md5s referenced by the pointers and locks committed at `commit`. */
export async function refsAtCommit(project: Project, commit: string): Promise<string[]> {
  const out: string[] = [];
  const files = (await listFilesAtRev(project.root, commit, METADATA)).filter((f) => !f.split('/').includes('.dvc'));
  for (const file of files) {
    const text = await readAtRev(project.root, commit, file);
    if (text === undefined) continue;
    if (file.endsWith('dvc.lock')) {
      for (const o of lockOutputs(text, `${commit.slice(0, 7)}:${file}`)) if (o.md5) out.push(o.md5);
    } else {
      const p = parsePointer(text, path.join(project.root, file));
      for (const o of p.outs) if (o.md5 && o.hashName === 'md5') out.push(o.md5);
    }
  }
  return out;
}

function lines(text: string): string[] {
  return text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
}
