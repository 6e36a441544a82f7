import path from 'node:path';
import { fail } from '../../core/errors.js';
import type { Pipeline, Stage } from '../model.js';
import { checkOutputs, type OutputIndex } from './outputs.js';
import { isUrl, RepoPaths } from './repo-paths.js';
import { findCycle, postOrder } from './walk.js';
import { resolveTargets } from './targets.js';

/** The stage graph: edges run from a producing stage to the stages that depend on its outputs. */
export interface Dag {
  /** Every stage by name, in definition order. */
  readonly stages: ReadonlyMap<string, Stage>;
  /** Stages whose outputs `name` depends on (direct), in definition order. */
  upstream(name: string): readonly Stage[];
  /** Stages depending on an output of `name` (direct), in definition order. */
  downstream(name: string): readonly Stage[];
  /**
   * `targets` (stage names, `path/dvc.yaml:name`, or a foreach/matrix group name) and all
   * their upstream stages, each after everything it depends on; every stage when no targets.
   * Deterministic: ties follow definition order. Unknown target → NOT_FOUND.
   */
  topoOrder(targets?: readonly string[]): readonly Stage[];
  /** `targets` and everything downstream of them, in topological order (for `repro --downstream`). */
  downstreamOrder(targets: readonly string[]): readonly Stage[];
  /** The stage whose output is, or contains, the absolute path. */
  producerOf(absPath: string): Stage | undefined;
}

/** A path tracked by a .dvc file: `file` the pointer, `path` absolute or relative to the pointer's folder. */
export interface TrackedPath {
  readonly file: string;
  readonly path: string;
}

/**
 * Builds the DAG. Nothing is written. Errors name files and stages: DAG_CYCLE (`a -> b -> a`),
 * OUTPUT_CONFLICT (two producers, or an output tracked by a .dvc file), OUTPUT_OVERLAP,
 * PATH_OUTSIDE_REPO, STAGE_INVALID (one stage name defined twice).
 */
export function buildDag(pipeline: Pipeline, options: { trackedPaths?: readonly TrackedPath[] } = {}): Dag {
  const root = pipeline.root ?? commonRoot(pipeline.stages);
  const stages = indexStages(pipeline.stages);
  const repo = new RepoPaths(root);
  const outputs = checkOutputs(pipeline.stages, repo, options.trackedPaths ?? []);
  const parents = new Map<string, Stage[]>();
  const children = new Map<string, Stage[]>();
  for (const s of pipeline.stages) {
    parents.set(s.name, []);
    children.set(s.name, []);
  }
  for (const stage of pipeline.stages) {
    const found = new Set<Stage>();
    for (const dep of stage.deps) {
      if (isUrl(dep)) continue;
      const abs = path.resolve(stage.wdir, dep);
      const why = repo.outsideReason(abs);
      if (why) fail('PATH_OUTSIDE_REPO', `${stage.file}: stage '${stage.name}': dependency '${dep}' is not allowed: ${why}`, { file: stage.file, stage: stage.name, path: dep });
      for (const producer of producersOf(outputs, abs)) if (producer !== stage) found.add(producer);
    }
    const ordered = pipeline.stages.filter((s) => found.has(s));
    parents.set(stage.name, ordered);
    for (const p of ordered) children.get(p.name)!.push(stage);
  }
  const cycle = findCycle(pipeline.stages, (s) => parents.get(s.name)!);
  if (cycle) {
    const files = [...new Set(cycle.map((s) => s.file))].join(', ');
    fail('DAG_CYCLE', `cycle in the pipeline: ${[...cycle, cycle[0]!].map((s) => s.name).join(' -> ')} (defined in ${files})`, { cycle: cycle.map((s) => s.name), files });
  }
  const up = (name: string) => parents.get(name) ?? [];
  return {
    stages,
    upstream: up,
    downstream: (name) => children.get(name) ?? [],
    topoOrder: (targets) => postOrder(targets?.length ? resolveTargets(stages, root, targets) : pipeline.stages, up),
    downstreamOrder(targets) {
      const seeds = resolveTargets(stages, root, targets);
      const reach = new Set<Stage>(seeds);
      const queue = [...seeds];
      while (queue.length) {
        for (const c of children.get(queue.pop()!.name) ?? []) {
          if (reach.has(c)) continue;
          reach.add(c);
          queue.push(c);
        }
      }
      return postOrder(pipeline.stages.filter((s) => reach.has(s)), (n) => up(n).filter((p) => reach.has(p)));
    },
    producerOf(absPath) {
      for (let p = path.resolve(absPath); ; p = path.dirname(p)) {
        const s = outputs.byPath.get(p);
        if (s || path.dirname(p) === p) return s;
      }
    },
  };
}

/** Stages with an output equal to, containing, or inside `abs`. */
function producersOf(outputs: OutputIndex, abs: string): Stage[] {
  const found: Stage[] = [];
  for (let p = abs; ; p = path.dirname(p)) {
    const s = outputs.byPath.get(p);
    if (s && !found.includes(s)) found.push(s);
    if (path.dirname(p) === p) break;
  }
  for (const s of outputs.inside(abs)) if (!found.includes(s)) found.push(s);
  return found;
}

function indexStages(list: readonly Stage[]): Map<string, Stage> {
  const map = new Map<string, Stage>();
  for (const s of list) {
    const other = map.get(s.name);
    if (other) fail('STAGE_INVALID', `stage '${s.name}' is defined twice: in ${other.file} and in ${s.file}; stage names must be unique in a repository`, { stage: s.name, files: [other.file, s.file] });
    map.set(s.name, s);
  }
  return map;
}

function commonRoot(stages: readonly Stage[]): string {
  const dirs = stages.map((s) => path.dirname(s.file));
  if (dirs.length === 0) return process.cwd();
  return dirs.reduce((a, b) => {
    while (!(b === a || b.startsWith(a.endsWith(path.sep) ? a : a + path.sep))) a = path.dirname(a);
    return a;
  });
}
