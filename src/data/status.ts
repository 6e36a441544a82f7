import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Project } from '../core/project.js';
import { missingObjects } from './cached.js';
import { dataContext } from './data-context.js';
import { hashPath } from './hash-path.js';
import { legacyHashPath } from './legacy-hash.js';
import type { PointerEntry, PointerFile } from './pointer-file.js';
import { scanRepo } from './repo-scan.js';
import { repoRelative, resolveInRepo } from './resolve-path.js';

/** The state of one output, with DVC's words. */
export type OutStatus = 'modified' | 'deleted' | 'not in cache' | 'new';

/**
 * One item of a stage's status, as `dvc status --json` prints it: `{"changed outs": {…}}`,
 * `{"changed deps": {…}}` or a bare word such as "always changed" / "changed command".
 */
export type StatusItem = Readonly<Record<string, Readonly<Record<string, string>>>> | string;

/**
 * `dvc status --json`'s shape: addressing (`data.dvc`, a stage name, `dir/dvc.yaml:name`) →
 * its changes; clean entries are omitted, a clean repository is `{}`. Pipeline stages are
 * merged into the same object by the pipeline layer.
 */
export type StatusReport = Readonly<Record<string, readonly StatusItem[]>>;

/**
 * Workspace vs pointers for every `.dvc` file (or those whose pointer or output matches
 * `targets`, resolved from `cwd`): "not in cache" first, then deleted / modified.
 */
export async function dataStatus(project: Project, targets: readonly string[] = [], cwd: string = project.root): Promise<StatusReport> {
  const wanted = targets.map((t) => resolveInRepo(project, t, cwd));
  const report: Record<string, StatusItem[]> = {};
  for (const pointer of scanRepo(project).pointers) {
    if (wanted.length > 0 && !matches(pointer, wanted)) continue;
    const changed: Record<string, OutStatus> = {};
    for (const out of pointer.outs) {
      const abs = path.resolve(pointer.wdir, out.path);
      const state = await outStatus(project, out, abs);
      if (state) changed[repoRelative(project, abs)] = state;
    }
    if (Object.keys(changed).length > 0) report[repoRelative(project, pointer.file)] = [{ 'changed outs': changed }];
  }
  return report;
}

/** The status of one pointer output, or undefined when it matches the workspace and cache. */
export async function outStatus(project: Project, out: PointerEntry, abs: string): Promise<OutStatus | undefined> {
  if (!out.md5) return 'new';
  const legacy = out.hashName === 'md5-dos2unix';
  if (out.extra.cache !== false && missingObjects(dataContext(project), out.md5, legacy).length > 0) return 'not in cache';
  if (!existsSync(abs)) return 'deleted';
  const current = legacy ? legacyHashPath(project, abs) : await hashPath(project, abs);
  return current.md5 === out.md5 ? undefined : 'modified';
}

function matches(pointer: PointerFile, wanted: readonly string[]): boolean {
  if (wanted.includes(pointer.file)) return true;
  return pointer.outs.some((o) => wanted.includes(path.resolve(pointer.wdir, o.path)));
}
