import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { fail } from '../core/errors.js';
import type { Project } from '../core/project.js';

/**
 * Resolves `p` (relative to `base`, default the repository root) to an absolute path inside
 * the repository. PATH_OUTSIDE_REPO when it leaves the repository lexically (`..`, absolute
 * paths elsewhere) or through a symlink, checked on the deepest existing ancestor.
 */
export function resolveInRepo(project: Project, p: string, base: string = project.root): string {
  const abs = path.resolve(base, p);
  const root = path.resolve(project.root);
  if (!isInside(root, abs)) {
    fail('PATH_OUTSIDE_REPO', `${p}: resolves to ${abs}, outside the repository ${root}`, { path: p, resolved: abs, root });
  }
  const realRoot = realpathSync(root);
  let existing = abs;
  while (!existsSync(existing) && existing !== root) existing = path.dirname(existing);
  const real = realpathSync(existing);
  if (!isInside(realRoot, real)) {
    fail('PATH_OUTSIDE_REPO', `${p}: a symlink leads outside the repository (to ${real})`, { path: p, resolved: real, root });
  }
  return abs;
}

/** Whether `child` is `parent` or below it (both absolute, normalised). */
export function isInside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

/** Whether two tracked paths overlap (equal, or one contains the other). */
export function overlaps(a: string, b: string): boolean {
  return isInside(a, b) || isInside(b, a);
}

/** Repo-relative posix form of an absolute path, for messages and JSON. */
export function repoRelative(project: Project, abs: string): string {
  return path.relative(project.root, abs).split(path.sep).join('/') || '.';
}
