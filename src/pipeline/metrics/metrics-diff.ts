import type { Project } from '../../core/project.js';
import { treeFor, WORKSPACE } from '../params/revision.js';
import { readMetrics, type MetricsShow } from './metrics-show.js';

/** One changed metric; `diff` (new − old) only when both are numbers, as DVC reports it. */
export interface MetricChange {
  readonly old: unknown;
  readonly new: unknown;
  readonly diff?: number;
}

/** `metrics diff` as DVC prints it with --json: file → dotted key → change. */
export type MetricsDiff = Record<string, Record<string, MetricChange>>;

/**
 * Compares metrics between `a` (default HEAD) and `b` (default the workspace). A metric only
 * on one side has null on the other. Unchanged metrics only with `all`.
 */
export async function metricsDiff(project: Pick<Project, 'root' | 'cacheDir'>, options: { a?: string; b?: string; all?: boolean } = {}): Promise<MetricsDiff> {
  const [oldTree, newTree] = await Promise.all([treeFor(project.root, options.a ?? 'HEAD'), treeFor(project.root, options.b ?? WORKSPACE)]);
  const [before, after] = await Promise.all([readMetrics(project, oldTree).catch((): MetricsShow => ({ metrics: {}, errors: {} })), readMetrics(project, newTree)]);
  const files = [...new Set([...Object.keys(before.metrics), ...Object.keys(after.metrics)])].sort();
  const diff: MetricsDiff = {};
  for (const file of files) {
    const [o, n] = [before.metrics[file] ?? {}, after.metrics[file] ?? {}];
    const changes: Record<string, MetricChange> = {};
    for (const key of [...new Set([...Object.keys(o), ...Object.keys(n)])].sort()) {
      const [ov, nv] = [o[key] ?? null, n[key] ?? null];
      const same = JSON.stringify(ov) === JSON.stringify(nv);
      if (same && !options.all) continue;
      changes[key] = typeof ov === 'number' && typeof nv === 'number' ? { old: ov, new: nv, diff: delta(ov, nv) } : { old: ov, new: nv };
    }
    if (Object.keys(changes).length) diff[file] = changes;
  }
  return diff;
}

/** new − old without binary float noise (0.9 − 0.8 is 0.1, not 0.09999999999999998). */
function delta(old: number, next: number): number {
  return Number((next - old).toPrecision(12));
}
