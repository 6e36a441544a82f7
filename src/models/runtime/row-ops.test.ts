import { describe, expect, it } from 'vitest';
import type { OnnxAttribute, OnnxNode } from './onnx-reader.js';
import { treeEnsembleScorer } from './row-ops.js';

/**
 * Two BRANCH_LEQ trees over features 0 and 1 (tree 0: node 0 on feature 0, node 1 on feature 1,
 * leaves 2–4; tree 1: node 0 on feature 1, leaves 1–2). `withEq` adds a third tree, a BRANCH_EQ
 * split into two leaves of weight 0: the same scores, but the ensemble then takes the general
 * traversal (it has a mode other than BRANCH_LEQ).
 */
function ensemble(tracks: readonly number[], withEq: boolean): OnnxNode {
  const more = (a: readonly number[], b: readonly number[]) => (withEq ? [...a, ...b] : [...a]);
  const attrs: OnnxAttribute[] = [
    { name: 'nodes_treeids', ints: more([0, 0, 0, 0, 0, 1, 1, 1], [2, 2, 2]) },
    { name: 'nodes_nodeids', ints: more([0, 1, 2, 3, 4, 0, 1, 2], [0, 1, 2]) },
    { name: 'nodes_featureids', ints: more([0, 1, 0, 0, 0, 1, 0, 0], [0, 0, 0]) },
    { name: 'nodes_values', floats: more([0.5, -1.25, 0, 0, 0, 3, 0, 0], [7, 0, 0]) },
    { name: 'nodes_modes', strings: [...['BRANCH_LEQ', 'BRANCH_LEQ', 'LEAF', 'LEAF', 'LEAF', 'BRANCH_LEQ', 'LEAF', 'LEAF'], ...(withEq ? ['BRANCH_EQ', 'LEAF', 'LEAF'] : [])] },
    { name: 'nodes_truenodeids', ints: more([1, 3, 0, 0, 0, 1, 0, 0], [1, 0, 0]) },
    { name: 'nodes_falsenodeids', ints: more([2, 4, 0, 0, 0, 2, 0, 0], [2, 0, 0]) },
    { name: 'nodes_missing_value_tracks_true', ints: more(tracks, [0, 0, 0]) },
    { name: 'target_treeids', ints: more([0, 0, 0, 1, 1], [2, 2]) },
    { name: 'target_nodeids', ints: more([2, 3, 4, 1, 2], [1, 2]) },
    { name: 'target_ids', ints: more([0, 0, 0, 0, 0], [0, 0]) },
    { name: 'target_weights', floats: more([0.1, 0.2, 0.3, -0.7, 0.05], [0, 0]) },
    { name: 'base_values', floats: [0.25] },
  ];
  return { opType: 'TreeEnsembleRegressor', domain: 'ai.onnx.ml', inputs: ['x'], outputs: ['y'], attributes: new Map(attrs.map((a) => [a.name, a])) };
}

const ROWS = [[0.5, -1.25], [0.4, -1.3], [0.6, 3], [Number.NaN, 0], [0, Number.NaN], [Number.NaN, Number.NaN], [-Infinity, Infinity], [Math.fround(0.5000001), -1.2]];

describe('treeEnsembleScorer', () => {
  it('scores BRANCH_LEQ-only trees (their own traversal) as the general traversal does, at thresholds and with NaN, tracked or not', () => {
    for (const tracks of [[0, 0, 0, 0, 0, 0, 0, 0], [1, 1, 0, 0, 0, 1, 0, 0], [0, 2, 0, 0, 0, 0, 0, 0]]) {
      const leq = treeEnsembleScorer(ensemble(tracks, false));
      const general = treeEnsembleScorer(ensemble(tracks, true));
      for (const r of ROWS) expect(leq(Float32Array.from(r))).toBe(general(Float32Array.from(r)));
    }
  });

  it('sends NaN to the false child unless the node tracks missing values as true', () => {
    const f = Math.fround;
    const sum = (...w: number[]) => w.reduce((s, x) => f(s + f(x)), 0);
    const nan = Float32Array.from([Number.NaN, Number.NaN]);
    // x <= 0.5 and y <= -1.25 → leaf 3 (0.2); y <= 3 → tree 1's leaf 1 (-0.7); base 0.25.
    expect(treeEnsembleScorer(ensemble([0, 0, 0, 0, 0, 0, 0, 0], false))(Float32Array.from([0.5, -1.25]))).toBe(sum(0.2, -0.7, 0.25));
    expect(treeEnsembleScorer(ensemble([0, 0, 0, 0, 0, 0, 0, 0], false))(nan)).toBe(sum(0.1, 0.05, 0.25));
    expect(treeEnsembleScorer(ensemble([1, 1, 0, 0, 0, 1, 0, 0], false))(nan)).toBe(sum(0.2, -0.7, 0.25));
  });
});
