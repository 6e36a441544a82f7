import path from 'node:path';
import type { Project } from '../core/project.js';
import { md5Dos2UnixSync } from './hash-file.js';
import { buildTree, statOrFail } from './hash-path.js';
import { loadIgnoreRules } from './ignore.js';
import type { HashInfo } from './types.js';
import { walkTree } from './walk-tree.js';

/**
 * The DVC 2.x (`md5-dos2unix`) hash of a file or directory, used only to compare a legacy
 * pointer with the workspace. Not remembered in the state database (legacy repos are rare
 * and `paddock add` rewrites them as DVC 3).
 */
export function legacyHashPath(project: Project, abs: string): HashInfo {
  const st = statOrFail(abs);
  if (!st.isDirectory()) return { md5: md5Dos2UnixSync(abs), size: st.size };
  const rel = path.relative(project.root, abs).split(path.sep).join('/');
  const files = walkTree(abs, loadIgnoreRules(project.root), rel);
  return buildTree(files, files.map((f) => md5Dos2UnixSync(f.abs))).hash;
}
