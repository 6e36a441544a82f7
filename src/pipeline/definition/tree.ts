import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fromSystemError } from '../../core/errors.js';
import { listFilesAtRev, readAtRev } from '../../core/git.js';

/**
 * Where pipeline files are read from: the workspace, or a git revision (for `params diff`
 * and `metrics diff`). Paths are absolute in the workspace layout either way.
 */
export interface Tree {
  /** Absolute repository root. */
  readonly root: string;
  /** `workspace`, or the git revision as the user wrote it. */
  readonly name: string;
  /** The file's text, or undefined when it does not exist there. */
  read(absPath: string): Promise<string | undefined>;
  /** Absolute paths of every dvc.yaml, sorted, skipping .git, .dvc, .paddock, node_modules. */
  pipelineFiles(): Promise<string[]>;
}

const SKIP = new Set(['.git', '.dvc', '.paddock', 'node_modules']);
const PIPELINE_FILE = 'dvc.yaml';

/** The working tree under `root`. */
export function workspaceTree(root: string): Tree {
  return {
    root,
    name: 'workspace',
    async read(absPath) {
      try {
        return await readFile(absPath, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
        throw fromSystemError(err, absPath);
      }
    },
    async pipelineFiles() {
      const found: string[] = [];
      await walk(root, found);
      return found.sort(byDepthThenName(root));
    },
  };
}

/**
 * Sync on purpose: a loop of readdirSync over a large workspace is several times faster than
 * awaiting each folder. Folders tracked by a sibling `<name>.dvc` pointer are not entered: they
 * hold data, never pipeline files, and may hold 100k files.
 */
async function walk(root: string, found: string[]): Promise<void> {
  const stack = [root];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      throw fromSystemError(err, dir);
    }
    const names = new Set(entries.map((e) => e.name));
    for (const e of entries) {
      if (e.isDirectory() && !SKIP.has(e.name) && !names.has(`${e.name}.dvc`)) stack.push(path.join(dir, e.name));
      else if (e.isFile() && e.name === PIPELINE_FILE) found.push(path.join(dir, e.name));
    }
  }
}

/** The files committed at `rev` (read through git, nothing checked out). */
export function revisionTree(root: string, rev: string): Tree {
  const rel = (absPath: string) => path.relative(root, absPath).split(path.sep).join('/');
  return {
    root,
    name: rev,
    read: (absPath) => readAtRev(root, rev, rel(absPath)),
    async pipelineFiles() {
      const files = await listFilesAtRev(root, rev, /(^|\/)dvc\.yaml$/);
      return files
        .filter((f) => !f.split('/').some((part) => SKIP.has(part)))
        .map((f) => path.join(root, ...f.split('/')))
        .sort(byDepthThenName(root));
    },
  };
}

/** The root dvc.yaml first, then subfolders in name order: a stable definition order. */
function byDepthThenName(root: string): (a: string, b: string) => number {
  return (a, b) => {
    const ra = path.relative(root, a);
    const rb = path.relative(root, b);
    const da = ra.split(path.sep).length;
    const db = rb.split(path.sep).length;
    if ((da === 1) !== (db === 1)) return da === 1 ? -1 : 1;
    return ra < rb ? -1 : ra > rb ? 1 : 0;
  };
}
