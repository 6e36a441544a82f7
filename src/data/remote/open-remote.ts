import { fail } from '../../core/errors.js';
import type { ObjectStore } from '../../core/object-store.js';
import type { Project } from '../../core/project.js';

/** A remote opened for a transfer, with the parallelism to use on it. */
export interface OpenedRemote {
  readonly name: string;
  readonly store: ObjectStore;
  readonly jobs: number;
}

/**
 * Resolves a remote name the way every transfer does: the explicit name, else `core.remote`,
 * else the only configured remote. Jobs: the flag, else the remote's `jobs`, else `core.jobs`.
 */
export function openTransferRemote(project: Project, name: string | undefined, jobs: number | undefined): OpenedRemote {
  const names = Object.keys(project.config.remotes);
  const resolved = name || project.config.core.remote || (names.length === 1 ? names[0]! : '');
  const store = project.openRemote(resolved || undefined);
  const n = jobs ?? project.config.remotes[resolved]?.jobs ?? project.config.core.jobs;
  if (!Number.isInteger(n) || n < 1) fail('INVALID_ARGUMENT', `--jobs must be a positive whole number, got ${n}`, { jobs: n });
  return { name: resolved, store, jobs: n };
}

/** Groups outputs by the remote they go to: the explicit one, else each output's own `remote:`. */
export function groupByRemote<T extends { readonly remote?: string }>(items: readonly T[], explicit: string | undefined): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = explicit || item.remote || '';
    let group = groups.get(key);
    if (!group) groups.set(key, (group = []));
    group.push(item);
  }
  return groups;
}
