import path from 'node:path';
import { fail } from '../../core/errors.js';
import type { Stage } from '../model.js';
import type { TrackedPath } from './build-dag.js';
import type { RepoPaths } from './repo-paths.js';

/** Every stage output by absolute path, with a prefix search for outputs inside a folder. */
export interface OutputIndex {
  readonly byPath: ReadonlyMap<string, Stage>;
  /** Stages with an output strictly inside the folder `abs`. */
  inside(abs: string): Stage[];
}

interface Owner {
  readonly abs: string;
  /** Sort key: separators become \0 so a folder sorts right before its contents. */
  readonly key: string;
  readonly stage?: Stage;
  readonly tracked?: TrackedPath;
}

/**
 * Indexes the outputs and rejects what DVC rejects: an output outside the repository, two
 * producers of one path (or a stage output also tracked by a .dvc file), and outputs nested
 * inside one another.
 */
export function checkOutputs(stages: readonly Stage[], repo: RepoPaths, tracked: readonly TrackedPath[]): OutputIndex {
  const owners: Owner[] = [];
  const byPath = new Map<string, Stage>();
  for (const stage of stages) {
    for (const out of stage.outs) {
      const abs = path.resolve(stage.wdir, out.path);
      const why = repo.outsideReason(abs);
      if (why) fail('PATH_OUTSIDE_REPO', `${stage.file}: stage '${stage.name}': output '${out.path}' is not allowed: ${why}`, { file: stage.file, stage: stage.name, path: out.path });
      const other = byPath.get(abs);
      if (other) {
        const where = other === stage ? `twice by stage '${stage.name}' (${stage.file})` : `by stage '${other.name}' (${other.file}) and by stage '${stage.name}' (${stage.file})`;
        fail('OUTPUT_CONFLICT', `output '${rel(repo.root, abs)}' is produced ${where}`, { path: abs, stages: [other.name, stage.name] });
      }
      byPath.set(abs, stage);
      owners.push({ abs, key: sortKey(abs), stage });
    }
  }
  for (const t of tracked) {
    const abs = path.isAbsolute(t.path) ? path.normalize(t.path) : path.resolve(path.dirname(path.resolve(repo.root, t.file)), t.path);
    const stage = byPath.get(abs);
    if (stage) fail('OUTPUT_CONFLICT', `output '${rel(repo.root, abs)}' of stage '${stage.name}' (${stage.file}) is also tracked by ${t.file}: remove the .dvc file or the stage output`, { path: abs, stage: stage.name, file: t.file });
    owners.push({ abs, key: sortKey(abs), tracked: t });
  }
  owners.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (let i = 1; i < owners.length; i++) {
    const [a, b] = [owners[i - 1]!, owners[i]!];
    if (b.key.startsWith(`${a.key}\0`) && (a.stage || b.stage)) {
      fail('OUTPUT_OVERLAP', `output '${rel(repo.root, b.abs)}' (${describe(b)}) is inside output '${rel(repo.root, a.abs)}' (${describe(a)})`, { path: b.abs, parent: a.abs });
    }
  }
  const stageOwners = owners.filter((o) => o.stage);
  return {
    byPath,
    inside(abs) {
      const prefix = `${sortKey(abs)}\0`;
      let lo = 0;
      let hi = stageOwners.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (stageOwners[mid]!.key < prefix) lo = mid + 1;
        else hi = mid;
      }
      const found: Stage[] = [];
      for (let i = lo; i < stageOwners.length && stageOwners[i]!.key.startsWith(prefix); i++) found.push(stageOwners[i]!.stage!);
      return found;
    },
  };
}

function sortKey(abs: string): string {
  return abs.split(path.sep).join('\0');
}

function describe(o: Owner): string {
  return o.stage ? `stage '${o.stage.name}' in ${o.stage.file}` : `tracked by ${o.tracked!.file}`;
}

function rel(root: string, abs: string): string {
  return path.relative(root, abs).split(path.sep).join('/') || '.';
}
