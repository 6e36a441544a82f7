import type { Stage } from '../model.js';

/**
 * Depth-first post-order from `seeds`: every stage comes after its parents. Parents are
 * visited in the order `parents` gives (definition order), so the result is deterministic.
 */
export function postOrder(seeds: readonly Stage[], parents: (name: string) => readonly Stage[]): Stage[] {
  const done = new Set<Stage>();
  const order: Stage[] = [];
  // Iterative to survive long chains (thousands of stages) without blowing the stack.
  for (const seed of seeds) {
    if (done.has(seed)) continue;
    const stack: { stage: Stage; next: number }[] = [{ stage: seed, next: 0 }];
    const onStack = new Set<Stage>([seed]);
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const ps = parents(top.stage.name);
      if (top.next < ps.length) {
        const p = ps[top.next++]!;
        if (!done.has(p) && !onStack.has(p)) {
          stack.push({ stage: p, next: 0 });
          onStack.add(p);
        }
        continue;
      }
      stack.pop();
      onStack.delete(top.stage);
      done.add(top.stage);
      order.push(top.stage);
    }
  }
  return order;
}

/** A cycle as the list of stages on it (first repeated implicitly), or undefined. */
export function findCycle(stages: readonly Stage[], parents: (s: Stage) => readonly Stage[]): Stage[] | undefined {
  const state = new Map<Stage, 'open' | 'done'>();
  for (const start of stages) {
    if (state.has(start)) continue;
    const path: Stage[] = [start];
    const iters: number[] = [0];
    state.set(start, 'open');
    while (path.length) {
      const cur = path[path.length - 1]!;
      const ps = parents(cur);
      const i = iters[iters.length - 1]!;
      if (i >= ps.length) {
        state.set(cur, 'done');
        path.pop();
        iters.pop();
        continue;
      }
      iters[iters.length - 1] = i + 1;
      const p = ps[i]!;
      if (state.get(p) === 'open') {
        // Walked against the edges (child → parent); reverse to read in data-flow order.
        return path.slice(path.indexOf(p)).reverse();
      }
      if (!state.has(p)) {
        state.set(p, 'open');
        path.push(p);
        iters.push(0);
      }
    }
  }
  return undefined;
}
