import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { Project } from '../core/project.js';
import { ALWAYS_SKIPPED, loadIgnoreRules } from './ignore.js';
import { readPipelineOutputs, type PipelineOutput } from './pipeline-outputs.js';
import { readPointerFile, type PointerFile } from './pointer-file.js';

/** What a walk of the workspace found. */
export interface RepoScan {
  readonly pointers: readonly PointerFile[];
  /** Absolute paths of dvc.yaml files. */
  readonly pipelineFiles: readonly string[];
  readonly pipelineOutputs: readonly PipelineOutput[];
}

/** Folders that never hold pointer files worth finding. */
const SKIP = new Set([...ALWAYS_SKIPPED, 'node_modules']);

/**
 * Finds every `.dvc` pointer and dvc.yaml in the workspace. Tracked outputs are pruned from
 * the walk (a folder holding 100k tracked files is never listed), as are ignored folders.
 * A pointer that does not parse fails the scan with POINTER_INVALID naming it.
 */
export function scanRepo(project: Project): RepoScan {
  const ignore = loadIgnoreRules(project.root);
  const pointers: PointerFile[] = [];
  const pipelineFiles: string[] = [];
  const pipelineOutputs: PipelineOutput[] = [];
  const stack = [project.root];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      continue; // unreadable folders hold nothing we can track
    }
    const pruned = new Set<string>();
    for (const e of entries) {
      if (!e.isFile()) continue;
      const abs = path.join(dir, e.name);
      if (e.name.endsWith('.dvc')) {
        const p = readPointerFile(abs);
        pointers.push(p);
        for (const o of p.outs) pruned.add(path.resolve(p.wdir, o.path));
      } else if (e.name === 'dvc.yaml') {
        pipelineFiles.push(abs);
        for (const o of readPipelineOutputs(abs)) {
          pipelineOutputs.push(o);
          pruned.add(o.path);
        }
      }
    }
    for (const e of entries) {
      if (!e.isDirectory() || SKIP.has(e.name)) continue;
      const abs = path.join(dir, e.name);
      if (pruned.has(abs)) continue;
      if (!ignore.empty && ignore.ignores(path.relative(project.root, abs).split(path.sep).join('/'), true)) continue;
      stack.push(abs);
    }
  }
  pointers.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return { pointers, pipelineFiles, pipelineOutputs };
}
