import { lstatSync } from 'node:fs';
import path from 'node:path';
import { fail } from '../core/errors.js';
import type { Project } from '../core/project.js';
import { withRepoLock } from '../core/repo-lock.js';
import { commitPath } from './commit-path.js';
import { ALWAYS_SKIPPED } from './ignore.js';
import { ensureGitignore } from './init-project.js';
import { readPointerFile, writePointerFile, type PointerEntry, type PointerFile } from './pointer-file.js';
import { scanRepo } from './repo-scan.js';
import { isInside, overlaps, repoRelative, resolveInRepo } from './resolve-path.js';
import { statOrFail } from './hash-path.js';
import type { HashInfo } from './types.js';

/** What `add` did for one target. */
export interface AddResult {
  /** Repo-relative path of the data and of its pointer. */
  readonly path: string;
  readonly pointer: string;
  readonly hash: HashInfo;
}

/**
 * `paddock add <targets…>`: validates every target first (inside the repo, not a pipeline
 * output, not overlapping another tracked path), then under the repository lock stores each in
 * the cache, links the workspace, adds `/name` to the folder's .gitignore and writes
 * `<name>.dvc` last. Targets are resolved from `cwd`.
 */
export async function addTargets(project: Project, targets: readonly string[], cwd: string = project.root): Promise<AddResult[]> {
  if (targets.length === 0) fail('INVALID_ARGUMENT', 'add: name at least one file or directory', {});
  return withRepoLock(project.stateDir, async () => {
    const abs = validateTargets(project, targets, cwd);
    const results: AddResult[] = [];
    for (const target of abs) results.push(await addOne(project, target));
    return results;
  });
}

function validateTargets(project: Project, targets: readonly string[], cwd: string): string[] {
  const abs = targets.map((t) => resolveInRepo(project, t, cwd));
  const scan = scanRepo(project);
  abs.forEach((a, i) => {
    const name = targets[i]!;
    if (a === project.root) fail('INVALID_ARGUMENT', `${name}: the repository root cannot be tracked; add the data folders inside it`, { path: name });
    const st = statOrFail(a);
    if (!st.isFile() && !st.isDirectory()) fail('INVALID_ARGUMENT', `${name}: only regular files and directories can be tracked`, { path: name });
    if (lstatSync(a).isSymbolicLink()) fail('INVALID_ARGUMENT', `${name}: is a symlink; add the file or folder it points to`, { path: name });
    const parts = path.relative(project.root, a).split(path.sep);
    if (parts.some((p) => ALWAYS_SKIPPED.has(p))) fail('INVALID_ARGUMENT', `${name}: lies inside ${parts.find((p) => ALWAYS_SKIPPED.has(p))}/, which Paddock manages itself`, { path: name });
    if (a.endsWith('.dvc') || path.basename(a) === 'dvc.yaml' || path.basename(a) === 'dvc.lock') fail('INVALID_ARGUMENT', `${name}: is a Paddock/DVC metadata file and cannot be tracked`, { path: name });
    const out = scan.pipelineOutputs.find((o) => overlaps(o.path, a));
    if (out) {
      fail('OUTPUT_CONFLICT', `${name}: ${out.path === a ? 'is' : 'overlaps'} output '${repoRelative(project, out.path)}' of stage '${out.stage}' in ${repoRelative(project, out.file)}; a stage output is tracked by dvc.lock, not by a .dvc file`, { path: name, stage: out.stage, file: out.file });
    }
    for (const p of scan.pointers) {
      for (const o of p.outs) {
        const tracked = path.resolve(p.wdir, o.path);
        if (tracked === a && p.file === pointerFor(a)) continue; // re-adding updates its own pointer
        if (overlaps(tracked, a)) fail('OUTPUT_OVERLAP', `${name}: overlaps '${repoRelative(project, tracked)}', already tracked by ${repoRelative(project, p.file)}`, { path: name, file: p.file });
      }
    }
    abs.forEach((b, j) => {
      if (j !== i && overlaps(a, b)) fail('OUTPUT_OVERLAP', `${name} and ${targets[j]}: one contains the other; add one of them`, { path: name });
    });
    if (isInside(project.cacheDir, a) || isInside(project.stateDir, a)) fail('INVALID_ARGUMENT', `${name}: lies inside the cache or state folder`, { path: name });
  });
  return [...new Set(abs)];
}

async function addOne(project: Project, abs: string): Promise<AddResult> {
  const file = pointerFor(abs);
  const previous = existingPointer(file);
  const hash = await commitPath(project, abs);
  const old = previous?.outs[0];
  const entry: PointerEntry = {
    path: path.basename(abs),
    md5: hash.md5,
    size: hash.size,
    nfiles: hash.nfiles,
    hashName: 'md5',
    extra: old?.extra ?? {},
  };
  await ensureGitignore(path.dirname(abs), `/${path.basename(abs)}`);
  const top = previous ? withoutWdir(previous.top) : {};
  await writePointerFile(file, { top, outs: [entry] });
  return { path: repoRelative(project, abs), pointer: repoRelative(project, file), hash };
}

/** DVC writes the pointer beside the data: `data.csv` → `data.csv.dvc`. */
export function pointerFor(abs: string): string {
  return `${abs}.dvc`;
}

function existingPointer(file: string): PointerFile | undefined {
  try {
    lstatSync(file);
  } catch {
    return undefined;
  }
  return readPointerFile(file);
}

function withoutWdir(top: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const { wdir: _w, md5: _m, ...rest } = top;
  return rest;
}
