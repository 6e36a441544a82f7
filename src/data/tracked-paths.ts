import path from 'node:path';
import type { Project } from '../core/project.js';
import { scanRepo } from './repo-scan.js';

/** Every path tracked by a `.dvc` file: `file` is the pointer, `path` the output (both absolute). */
export async function listTrackedPaths(project: Project): Promise<{ file: string; path: string }[]> {
  const out: { file: string; path: string }[] = [];
  for (const p of scanRepo(project).pointers) {
    for (const o of p.outs) out.push({ file: p.file, path: path.resolve(p.wdir, o.path) });
  }
  return out;
}
