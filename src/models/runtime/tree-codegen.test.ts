import { describe, expect, it } from 'vitest';
import { prng } from '../../test-support/prng.js';
import type { OnnxAttribute, OnnxNode } from './onnx-reader.js';
import { treeEnsembleScorer, Unsupported } from './row-ops.js';
import { compileEnsemble, compileTrees, MAX_NODES, numberLiteral, treeSource, TREES_PER_ADDER, type TreeTable } from './tree-codegen.js';

const f = Math.fround;

/** A table of nodes given as [mode, feature, threshold, true, false, missingTrue, weight]; roots given. */
function table(nodes: readonly (readonly [number, number, number, number, number, number, number])[], roots: readonly number[] = [0]): TreeTable {
  const column = (k: number) => nodes.map((n) => n[k]!);
  return {
    roots: Int32Array.from(roots), mode: Uint8Array.from(column(0)), feature: Int32Array.from(column(1)), threshold: Float32Array.from(column(2)),
    trueNext: Int32Array.from(column(3)), falseNext: Int32Array.from(column(4)), missingTrue: Uint8Array.from(column(5)), weight: Float32Array.from(column(6)),
  };
}

/** A one-tree TreeEnsembleRegressor node: [mode, feature, value, true id, false id, tracks] per node id, leaves weighted by `weights`. */
function regressor(nodes: readonly (readonly [string, number, number, number, number, number])[], weights: ReadonlyMap<number, number>): OnnxNode {
  const ids = nodes.map((_, i) => i);
  const leaves = [...weights.keys()];
  const attrs: OnnxAttribute[] = [
    { name: 'nodes_treeids', ints: ids.map(() => 0) },
    { name: 'nodes_nodeids', ints: ids },
    { name: 'nodes_modes', strings: nodes.map((n) => n[0]) },
    { name: 'nodes_featureids', ints: nodes.map((n) => n[1]) },
    { name: 'nodes_values', floats: nodes.map((n) => n[2]) },
    { name: 'nodes_truenodeids', ints: nodes.map((n) => n[3]) },
    { name: 'nodes_falsenodeids', ints: nodes.map((n) => n[4]) },
    { name: 'nodes_missing_value_tracks_true', ints: nodes.map((n) => n[5]) },
    { name: 'target_treeids', ints: leaves.map(() => 0) },
    { name: 'target_nodeids', ints: leaves },
    { name: 'target_ids', ints: leaves.map(() => 0) },
    { name: 'target_weights', floats: leaves.map((l) => weights.get(l)!) },
  ];
  return { opType: 'TreeEnsembleRegressor', domain: 'ai.onnx.ml', inputs: ['x'], outputs: ['y'], attributes: new Map(attrs.map((a) => [a.name, a])) };
}

const SPECIAL = [0, -0, 0.5, -0.5, Number.NaN, Infinity, -Infinity, f(0.1), -f(0.1), 2 ** -149, f(3.4e38), 1e-7];

describe('numberLiteral', () => {
  it('prints the exact double of every float32, -0, NaN and the infinities', () => {
    const rnd = prng(5);
    const bits = new Uint32Array(1);
    const floats = new Float32Array(bits.buffer);
    const xs = [...SPECIAL];
    for (let i = 0; i < 5000; i++) {
      bits[0] = Math.floor(rnd() * 2 ** 32);
      xs.push(floats[0]!);
    }
    for (const x of xs) {
      const literal = numberLiteral(x)!;
      expect(Object.is(new Function(`return ${literal};`)(), x)).toBe(true);
      expect(Object.is(new Function(`return 1 - ${literal};`)(), 1 - x)).toBe(true);
    }
    expect([numberLiteral(-0), numberLiteral(Number.NaN), numberLiteral(-Infinity)]).toEqual(['-0', 'NaN', '-Infinity']);
    expect(numberLiteral('1; process.exit()' as unknown as number)).toBeUndefined();
  });
});

describe('treeSource', () => {
  it('nests the splits with the features, thresholds and weights as literals', () => {
    // r[2] <= 0.1 (NaN true) ? (r[0] !== -0 ? -0 : 0.25) : -Infinity < r[1] ? 1e-7 : 2
    const t = table([
      [0, 2, 0.1, 1, 2, 1, 0],
      [5, 0, -0, 3, 4, 1, 0],
      [3, 1, -Infinity, 5, 6, 0, 0],
      [6, 0, 0, 0, 0, 0, -0],
      [6, 0, 0, 0, 0, 0, 0.25],
      [6, 0, 0, 0, 0, 0, 1e-7],
      [6, 0, 0, 0, 0, 0, 2],
    ]);
    expect(treeSource(t, 0)).toBe([
      "'use strict';",
      '  if (r[2] <= 0.10000000149011612 || r[2] !== r[2]) {',
      '    if (r[0] !== -0) {',
      '      return -0;',
      '    }',
      '    return 0.25;',
      '  }',
      '  if (r[1] > -Infinity) {',
      '    return 1.0000000116860974e-7;',
      '  }',
      '  return 2;',
      '',
    ].join('\n'));
    const [tree] = compileTrees(t)!;
    expect(Object.is(tree!(Float32Array.of(0, 0, Number.NaN)), 0.25)).toBe(true);
    expect(Object.is(tree!(Float32Array.of(1, 0, 0)), -0)).toBe(true);
    expect(tree!(Float32Array.of(0, -Infinity, 1))).toBe(2);
  });

  it('gives up on what it cannot print or reach: bad modes, features and links, cycles, shared subtrees past MAX_NODES', () => {
    const ok = (over: Partial<Record<keyof TreeTable, unknown>>) => treeSource({ ...table([[0, 1, 0.5, 1, 2, 0, 0], [6, 0, 0, 0, 0, 0, 1], [6, 0, 0, 0, 0, 0, 2]]), ...over } as TreeTable, 0);
    expect(ok({})).toBeDefined();
    expect(ok({ mode: Uint8Array.of(9, 6, 6) })).toBeUndefined();
    expect(ok({ feature: Int32Array.of(-1, 0, 0) })).toBeUndefined();
    expect(ok({ feature: [2 ** 53, 0, 0] })).toBeUndefined();
    expect(ok({ feature: [0.5, 0, 0] })).toBeUndefined();
    expect(ok({ feature: ['0]; globalThis.hacked = 1; r[0', 0, 0] })).toBeUndefined();
    expect(ok({ threshold: ['0.5) { globalThis.hacked = 1 } if (0', 0, 0] })).toBeUndefined();
    expect(ok({ weight: [0, '1; globalThis.hacked = 1', 2] })).toBeUndefined();
    expect(ok({ trueNext: Int32Array.of(3, 0, 0) })).toBeUndefined();
    expect(ok({ falseNext: Int32Array.of(-1, 0, 0) })).toBeUndefined();
    // A node that is its own child: no tree, and no end to the nesting.
    expect(ok({ trueNext: Int32Array.of(0, 0, 0) })).toBeUndefined();
    // 40 branches each sending both ways to the next: 2^40 paths from 81 nodes.
    const ladder = table(Array.from({ length: 41 }, (_, i) => (i < 40 ? [0, 0, i, i + 1, i + 1, 0, 0] as const : [6, 0, 0, 0, 0, 0, 1] as const)));
    expect(treeSource(ladder, 0)).toBeUndefined();
    // The largest full tree within MAX_NODES compiles; one level more does not.
    const full = (depth: number) => table(Array.from({ length: 2 ** (depth + 1) - 1 }, (_, i) => (i < 2 ** depth - 1 ? [0, 0, i, 2 * i + 1, 2 * i + 2, 0, 0] as const : [6, 0, 0, 0, 0, 0, i] as const)));
    const fits = Math.floor(Math.log2(MAX_NODES + 1)) - 1;
    expect(treeSource(full(fits), 0)).toBeDefined();
    expect(treeSource(full(fits + 1), 0)).toBeUndefined();
    expect((globalThis as { hacked?: number }).hacked).toBeUndefined();
  });
});

describe('compileEnsemble', () => {
  it('sums the trees in order with float32 rounding, across several adders', () => {
    // Tree k: r[k % 3] <= k / 10 ? w : -w, weights not exactly summable in float32.
    const count = 2 * TREES_PER_ADDER + 7;
    const rnd = prng(9);
    const nodes = [];
    const roots = [];
    for (let k = 0; k < count; k++) {
      const w = f((rnd() - 0.5) * 2 ** Math.floor(rnd() * 40 - 20));
      roots.push(nodes.length);
      nodes.push([0, k % 3, k / 10, nodes.length + 1, nodes.length + 2, 0, 0] as const, [6, 0, 0, 0, 0, 0, w] as const, [6, 0, 0, 0, 0, 0, -w] as const);
    }
    const t = table(nodes, roots);
    const sum = compileEnsemble(t)!;
    const trees = compileTrees(t)!;
    for (const row of [Float32Array.of(0, 50, 100), Float32Array.of(30, 10, Number.NaN), Float32Array.of(-1, 1e6, 7)]) {
      let want = 0;
      for (const tree of trees) want = f(want + tree(row));
      expect(Object.is(sum(row), want)).toBe(true);
    }
    expect(compileEnsemble(table([], []))!(Float32Array.of(1))).toBe(0);
  });
});

describe('treeEnsembleScorer with compiled trees', () => {
  const rows = (width: number) => {
    const out: Float32Array[] = [];
    for (const a of SPECIAL) for (const b of SPECIAL) out.push(Float32Array.from({ length: width }, (_, j) => (j % 2 ? a : b)));
    return out;
  };

  it('compiles NaN and infinite thresholds and agrees with the table walk', () => {
    // x0 NaN ? (x1 > ∞ or NaN ? 0.5 : x1 === -∞ ? 0.1 : -2) : x1 < ∞ ? -0 : 1.5 (a NaN threshold fails every comparison).
    const trees = regressor([
      ['BRANCH_LEQ', 0, Number.NaN, 1, 2, 1],
      ['BRANCH_GT', 1, Infinity, 3, 4, 1],
      ['BRANCH_LT', 1, Infinity, 5, 6, 0],
      ['LEAF', 0, 0, 0, 0, 0],
      ['BRANCH_EQ', 1, -Infinity, 7, 8, 0],
      ['LEAF', 0, 0, 0, 0, 0],
      ['LEAF', 0, 0, 0, 0, 0],
      ['LEAF', 0, 0, 0, 0, 0],
      ['LEAF', 0, 0, 0, 0, 0],
    ], new Map([[3, 0.5], [5, -0], [6, 1.5], [7, f(0.1)], [8, -2]]));
    const generated = treeEnsembleScorer(trees);
    const walk = treeEnsembleScorer(trees, { generate: false });
    expect([generated.traversal, walk.traversal]).toEqual(['generated', 'compact']);
    const seen = new Set<number>();
    for (const row of rows(2)) {
      const want = walk(row);
      seen.add(want);
      expect(Object.is(generated(row), want)).toBe(true);
    }
    // Every leaf reached (-0 as a score of 0: 0 + -0 is 0).
    expect([...seen].sort((a, b) => a - b)).toEqual([-2, 0, f(0.1), 0.5, 1.5]);
  });

  it('keeps attribute content out of the code: odd feature ids fall back or are refused, odd modes refused', () => {
    const withFeature = (k: number) => regressor([['BRANCH_NEQ', k, 1, 1, 2, 0], ['LEAF', 0, 0, 0, 0, 0], ['LEAF', 0, 0, 0, 0, 0]], new Map([[1, 1], [2, 2]]));
    // A negative feature reads nothing (undefined !== 1): the flat walk's answer, not compiled.
    const negative = treeEnsembleScorer(withFeature(-1));
    expect(negative.traversal).toBe('flat');
    expect(negative(Float32Array.of(1))).toBe(1);
    // One past the row likewise, compiled: r[5] is undefined there too.
    const past = treeEnsembleScorer(withFeature(5));
    expect(past.traversal).toBe('generated');
    expect(past(Float32Array.of(1))).toBe(treeEnsembleScorer(withFeature(5), { generate: false })(Float32Array.of(1)));
    // Ids an Int32Array cannot hold (they would wrap onto another feature) or that are not integers.
    expect(() => treeEnsembleScorer(withFeature(2 ** 40 + 1))).toThrow(Unsupported);
    expect(() => treeEnsembleScorer(withFeature(0.5))).toThrow(Unsupported);
    const badMode = regressor([['BRANCH_LEQ) { globalThis.hacked = 1 } if (0', 0, 1, 1, 2, 0], ['LEAF', 0, 0, 0, 0, 0], ['LEAF', 0, 0, 0, 0, 0]], new Map([[1, 1], [2, 2]]));
    expect(() => treeEnsembleScorer(badMode)).toThrow(Unsupported);
    const inherited = regressor([['constructor', 0, 1, 1, 2, 0], ['LEAF', 0, 0, 0, 0, 0], ['LEAF', 0, 0, 0, 0, 0]], new Map([[1, 1], [2, 2]]));
    expect(() => treeEnsembleScorer(inherited)).toThrow(Unsupported);
    expect((globalThis as { hacked?: number }).hacked).toBeUndefined();
  });
});
