import type { Project } from '../../core/project.js';
import { fail } from '../../core/errors.js';
import type { ServerContext } from '../context.js';

/** The project the server runs in; NOT_A_PROJECT when it was built without one (a bare API server). */
export function projectOf(ctx: ServerContext): Project {
  if (!ctx.project) fail('NOT_A_PROJECT', 'this server has no project: start it with `paddock server` inside a project to see its pipeline and data', {});
  return ctx.project;
}

/** A path relative to the project root, posix separators (what the API answers and accepts). */
export function repoRelative(project: Pick<Project, 'root'>, abs: string): string {
  return abs.startsWith(project.root) ? abs.slice(project.root.length).replace(/^[\\/]+/, '').split('\\').join('/') : abs;
}
