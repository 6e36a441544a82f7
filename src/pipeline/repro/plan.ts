import { existsSync } from 'node:fs';
import path from 'node:path';
import { fail } from '../../core/errors.js';
import type { Dag } from '../dag/build-dag.js';
import { isUrl } from '../dag/repo-paths.js';
import { resolveTargets } from '../dag/targets.js';
import type { Stage } from '../model.js';

/** Which stages a repro considers, and how they wait on each other. */
export interface PlanOptions {
  readonly targets?: readonly string[];
  /** Targets and everything downstream of them (not their upstream). */
  readonly downstream?: boolean;
  /** Only the targets themselves. */
  readonly single?: boolean;
}

/** One stage of the plan with the planned stages it must wait for. */
export interface PlanStep {
  readonly stage: Stage;
  readonly after: readonly string[];
}

/**
 * The stages to consider, in topological order: every stage with no targets; with targets,
 * the targets and their upstream stages, not crossing a frozen stage (DVC disconnects a frozen
 * stage from its dependencies); `downstream` → targets and their descendants; `single` → the
 * targets alone.
 */
export function planStages(dag: Dag, root: string, options: PlanOptions): PlanStep[] {
  const targets = options.targets ?? [];
  let order: readonly Stage[];
  if (targets.length === 0) order = dag.topoOrder();
  else if (options.single) {
    const chosen = new Set(resolveTargets(dag.stages, root, targets));
    order = dag.topoOrder(targets).filter((s) => chosen.has(s));
  } else if (options.downstream) order = dag.downstreamOrder(targets);
  else {
    const reach = new Set<Stage>();
    const queue = resolveTargets(dag.stages, root, targets);
    while (queue.length) {
      const s = queue.pop()!;
      if (reach.has(s)) continue;
      reach.add(s);
      if (!s.frozen) queue.push(...dag.upstream(s.name));
    }
    order = dag.topoOrder(targets).filter((s) => reach.has(s));
  }
  const names = new Set(order.map((s) => s.name));
  return order.map((stage) => ({ stage, after: dag.upstream(stage.name).map((u) => u.name).filter((n) => names.has(n)) }));
}

/**
 * Fails with DEPENDENCY_MISSING, before anything runs, when a planned stage depends on a path
 * that does not exist and that no planned stage produces.
 */
export function checkDependencies(dag: Dag, plan: readonly PlanStep[]): void {
  const planned = new Set(plan.map((p) => p.stage.name));
  for (const { stage } of plan) {
    if (stage.frozen) continue;
    for (const dep of stage.deps) {
      if (isUrl(dep)) continue;
      const abs = path.resolve(stage.wdir, dep);
      if (existsSync(abs)) continue;
      const producer = dag.producerOf(abs);
      if (producer && planned.has(producer.name)) continue;
      const why = producer ? `stage '${producer.name}' produces it but is not part of this run` : 'no stage produces it';
      fail('DEPENDENCY_MISSING', `stage '${stage.name}' (${stage.file}): dependency '${dep}' does not exist and ${why}`, { stage: stage.name, path: dep, file: stage.file });
    }
  }
}
