import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { attr as onnxAttr, ELEM_TYPE, encodeModel } from '../onnx-export/onnx-proto.js';
import { tempDir } from '../../test-support/cli.js';
import { prng } from '../../test-support/prng.js';
import { readOnnxGraph, type OnnxAttribute, type OnnxNode } from './onnx-reader.js';
import { loadOnnxModel } from './onnx-session.js';
import { levelOrderRow, levelOrderSum, levelOrderTrees, MAX_DEPTH } from './level-order-trees.js';
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

  it('refuses (so onnxruntime runs the model) a mode that is only an inherited key, and a feature id Int32Array would wrap', () => {
    const withAttr = (name: string, change: (a: OnnxAttribute) => OnnxAttribute): OnnxNode => {
      const node = ensemble([0, 0, 0, 0, 0, 0, 0, 0], false);
      return { ...node, attributes: new Map([...node.attributes].map(([k, a]) => [k, k === name ? change(a) : a])) };
    };
    expect(() => treeEnsembleScorer(withAttr('nodes_modes', (a) => ({ ...a, strings: a.strings!.map((m, i) => (i === 0 ? 'constructor' : m)) })))).toThrow(/node mode constructor/);
    expect(() => treeEnsembleScorer(withAttr('nodes_featureids', (a) => ({ ...a, ints: a.ints!.map((f, i) => (i === 0 ? 2 ** 32 : f)) })))).toThrow(/feature id 4294967296/);
    expect(() => treeEnsembleScorer(ensemble([0, 0, 0, 0, 0, 0, 0, 0], false))).not.toThrow();
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

/** One tree node as listed in the ONNX attributes; a leaf has `weight`, a branch the rest. */
interface ListedNode {
  readonly id: number;
  readonly mode: string;
  readonly feature?: number;
  readonly value?: number;
  readonly yes?: number;
  readonly no?: number;
  readonly missingTrue?: boolean;
  readonly weight?: number;
}

/** A TreeEnsembleRegressor model (one target, SUM, base 0.375) over `width` features, its trees' nodes listed in the order given. */
function regressorModel(trees: readonly (readonly ListedNode[])[], width: number): Uint8Array {
  const nodes = trees.flatMap((tree, t) => tree.map((n) => ({ ...n, tree: t })));
  const leaves = nodes.filter((n) => n.mode === 'LEAF');
  return encodeModel({
    irVersion: 8,
    opsetImports: [{ domain: '', version: 17 }, { domain: 'ai.onnx.ml', version: 3 }],
    producerName: 'test', producerVersion: '0',
    graph: {
      name: 'trees',
      nodes: [{
        opType: 'TreeEnsembleRegressor', domain: 'ai.onnx.ml', name: 'trees', inputs: ['x'], outputs: ['y'],
        attributes: [
          onnxAttr.string('aggregate_function', 'SUM'),
          onnxAttr.floats('base_values', [0.375]),
          onnxAttr.int('n_targets', 1),
          onnxAttr.ints('nodes_falsenodeids', nodes.map((n) => n.no ?? 0)),
          onnxAttr.ints('nodes_featureids', nodes.map((n) => n.feature ?? 0)),
          onnxAttr.ints('nodes_missing_value_tracks_true', nodes.map((n) => (n.missingTrue ? 1 : 0))),
          onnxAttr.strings('nodes_modes', nodes.map((n) => n.mode)),
          onnxAttr.ints('nodes_nodeids', nodes.map((n) => n.id)),
          onnxAttr.ints('nodes_treeids', nodes.map((n) => n.tree)),
          onnxAttr.ints('nodes_truenodeids', nodes.map((n) => n.yes ?? 0)),
          onnxAttr.floats('nodes_values', nodes.map((n) => n.value ?? 0)),
          onnxAttr.string('post_transform', 'NONE'),
          onnxAttr.ints('target_ids', leaves.map(() => 0)),
          onnxAttr.ints('target_nodeids', leaves.map((n) => n.id)),
          onnxAttr.ints('target_treeids', leaves.map((n) => n.tree)),
          onnxAttr.floats('target_weights', leaves.map((n) => n.weight!)),
        ],
      }],
      initializers: [],
      inputs: [{ name: 'x', elemType: ELEM_TYPE.FLOAT, shape: [1, width] }],
      outputs: [{ name: 'y', elemType: ELEM_TYPE.FLOAT, shape: [1, 1] }],
    },
    metadataProps: [],
  });
}

const leaf = (id: number, weight: number): ListedNode => ({ id, mode: 'LEAF', weight });
const branch = (id: number, mode: string, feature: number, value: number, yes: number, no: number, missingTrue = false): ListedNode => ({ id, mode, feature, value, yes, no, missingTrue });

/**
 * Two trees whose nodes are listed out of depth-first order (the root first, as onnxruntime
 * requires, then leaves before branches and false children before true ones), with arbitrary
 * ids: a walk that linked a node to the wrong child, or lost a node's missing-value flag or
 * mode, reaches another leaf. `mode` replaces every branch's mode when given.
 */
function shuffledTrees(mode?: string): ListedNode[][] {
  const m = (own: string) => mode ?? own;
  return [
    [
      branch(5, m('BRANCH_LT'), 0, 0.5, 2, 0, true),
      leaf(4, 1.5),
      branch(0, m('BRANCH_GT'), 1, 2, 6, 4, true),
      leaf(9, 0.125),
      branch(6, m('BRANCH_NEQ'), 0, 7, 3, 10),
      leaf(1, -0.5),
      branch(7, m('BRANCH_EQ'), 2, 3, 1, 8),
      leaf(10, 0.75),
      branch(2, m('BRANCH_GTE'), 1, -1, 9, 7),
      leaf(8, 2.25),
      leaf(3, -3),
    ],
    [branch(4, m('BRANCH_LEQ'), 2, 0, 1, 2, true), leaf(2, -0.2), leaf(0, 0.01), branch(1, m('BRANCH_LEQ'), 0, -2, 3, 0), leaf(3, 0.3)],
  ];
}

/**
 * A full tree 14 branches deep (32767 nodes), listed depth first: its root's false child is
 * 16384 nodes after it, farther than the compact layout's links reach, so it takes the flat walk.
 */
function deepTree(mode: string): ListedNode[][] {
  const rnd = prng(11);
  const nodes: ListedNode[] = [];
  let next = 0;
  const grow = (depth: number): number => {
    const id = next++;
    if (depth === 14) {
      nodes.push(leaf(id, Math.fround((rnd() - 0.5) * 8)));
      return id;
    }
    const at = nodes.length;
    nodes.push(leaf(id, 0));
    const yes = grow(depth + 1);
    const no = grow(depth + 1);
    nodes[at] = branch(id, depth === 3 ? mode : 'BRANCH_LEQ', depth, 0.5, yes, no, rnd() < 0.5);
    return id;
  };
  grow(0);
  return [nodes];
}

/**
 * `count` BRANCH_LEQ trees of random shapes, `maxDepth` levels at most: leaves at every level
 * (so the level-order layout pads them), thresholds from `thresholds`, missing values tracked
 * true at random, listed depth first.
 */
function randomTrees(count: number, maxDepth: number, width: number, thresholds: readonly number[], seed: number): ListedNode[][] {
  const rnd = prng(seed);
  return Array.from({ length: count }, () => {
    const nodes: ListedNode[] = [];
    let next = 0;
    const grow = (depth: number): number => {
      const id = next++;
      if (depth === maxDepth || (depth > 0 && rnd() < 0.3)) {
        nodes.push(leaf(id, Math.fround((rnd() - 0.5) * 4)));
        return id;
      }
      const at = nodes.length;
      nodes.push(leaf(id, 0));
      const yes = grow(depth + 1);
      const no = grow(depth + 1);
      nodes[at] = branch(id, 'BRANCH_LEQ', Math.floor(rnd() * width), thresholds[Math.floor(rnd() * thresholds.length)]!, yes, no, rnd() < 0.3);
      return id;
    };
    grow(0);
    return nodes;
  });
}

function testRows(width: number, count: number, values: readonly number[]): Float32Array[] {
  const rnd = prng(3);
  return Array.from({ length: count }, () => Float32Array.from({ length: width }, () => values[Math.floor(rnd() * values.length)]!));
}

describe('levelOrderTrees', () => {
  /** The linked arrays row-ops.ts builds, from listed nodes (ids are positions here). */
  const linked = (trees: readonly (readonly ListedNode[])[]) => {
    const nodes = trees.flatMap((tree) => { const base = trees.slice(0, trees.indexOf(tree)).reduce((n, t) => n + t.length, 0); return tree.map((n) => ({ ...n, base })); });
    return {
      roots: Int32Array.from(trees.map((_, k) => trees.slice(0, k).reduce((n, t) => n + t.length, 0))),
      feature: Int32Array.from(nodes.map((n) => n.feature ?? 0)),
      threshold: Float32Array.from(nodes.map((n) => n.value ?? 0)),
      mode: Uint8Array.from(nodes.map((n) => (n.mode === 'LEAF' ? 6 : 0))),
      trueNext: Int32Array.from(nodes.map((n) => n.base + (n.yes ?? 0))),
      falseNext: Int32Array.from(nodes.map((n) => n.base + (n.no ?? 0))),
      weight: Float32Array.from(nodes.map((n) => n.weight ?? 0)),
    };
  };

  it('lays out ensembles up to MAX_DEPTH levels, padding shallow leaves to the bottom, and refuses deeper ones', () => {
    // Tree 0: x0 <= 0.5 ? leaf 1.5 : (x1 <= 2 ? leaf -0.5 : leaf 0.25); tree 1: a single leaf.
    const trees = [[branch(0, 'BRANCH_LEQ', 0, 0.5, 1, 2), leaf(1, 1.5), branch(2, 'BRANCH_LEQ', 1, 2, 3, 4), leaf(3, -0.5), leaf(4, 0.25)], [leaf(0, 0.125)]];
    const level = levelOrderTrees(linked(trees))!;
    expect(level).toMatchObject({ depth: 2, trees: 2, maxFeature: 1 });
    expect([...level.leaf]).toEqual([1.5, 1.5, -0.5, 0.25, 0.125, 0.125, 0.125, 0.125]);
    expect([...level.feature.slice(0, 3)]).toEqual([0, 0, 1]);
    const x = new Float64Array(2);
    const sum = levelOrderSum(level);
    expect(levelOrderRow(level, Float32Array.from([0.5, 9]), x) && sum(x)).toBe(Math.fround(1.5 + 0.125));
    expect(levelOrderRow(level, Float32Array.from([1, 2]), x) && sum(x)).toBe(Math.fround(-0.5 + 0.125));
    // NaN, or a row too short for the features read, is left to the linked walk.
    expect(levelOrderRow(level, Float32Array.from([Number.NaN, 2]), x)).toBe(false);
    expect(levelOrderRow(level, Float32Array.from([1]), x)).toBe(false);
    expect(levelOrderTrees(linked(randomTrees(3, MAX_DEPTH, 3, [0], 5)))?.depth).toBeLessThanOrEqual(MAX_DEPTH);
    expect(levelOrderTrees(linked(deepTree('BRANCH_LEQ')))).toBeUndefined();
    expect(levelOrderTrees(linked([[leaf(0, 1)]]))).toBeUndefined();
  });
});

describe('treeEnsembleScorer against onnxruntime', () => {
  const tmp = tempDir('paddock-row-ops-');
  afterAll(() => tmp.cleanup());

  async function expectOnnxruntimeScores(name: string, bytes: Uint8Array, rows: readonly Float32Array[]): Promise<void> {
    const file = path.join(tmp.dir, `${name}.onnx`);
    writeFileSync(file, bytes);
    const score = treeEnsembleScorer(readOnnxGraph(bytes).nodes[0]!);
    const model = await loadOnnxModel(file);
    try {
      for (const row of rows) {
        const want = (await model.run({ x: { data: row, dims: [1, row.length] } })).y!.data[0];
        expect([...row, score(row)]).toEqual([...row, want]);
      }
    } finally {
      await model.close();
    }
  }

  // Values on, beside and between the thresholds (0.5, 2, 7, 3, -1, 0, -2), NaN and infinities.
  const around = [0.5, Math.fround(0.5000001), 0.4999999, 2, 2.5, 1, 7, 6.5, 3, 3.5, -1, -1.5, 0, -0, -2, -2.5, Number.NaN, Infinity, -Infinity];

  it('takes the leaves onnxruntime takes, with mixed modes, nodes listed out of depth-first order and NaN', async () => {
    await expectOnnxruntimeScores('mixed', regressorModel(shuffledTrees(), 3), testRows(3, 400, around));
  });

  it('takes the leaves onnxruntime takes when every branch is BRANCH_LEQ (the traversal without modes)', async () => {
    await expectOnnxruntimeScores('leq', regressorModel(shuffledTrees('BRANCH_LEQ'), 3), testRows(3, 400, around));
  });

  it('takes the leaves onnxruntime takes in shallow BRANCH_LEQ trees of every depth the level-order walk takes (padded leaves), rows with NaN included', async () => {
    const thresholds = [0.5, 2, -1, 0, 7];
    for (const depth of [1, 3, MAX_DEPTH]) {
      const trees = randomTrees(25, depth, 4, thresholds, depth);
      const rows = [...testRows(4, 300, around.filter((v) => !Number.isNaN(v))), ...testRows(4, 60, around)];
      await expectOnnxruntimeScores(`level-${depth}`, regressorModel(trees, 4), rows);
    }
  });

  it('takes the leaves onnxruntime takes in a tree too large for the compact layout', async () => {
    const rows = testRows(14, 150, [0, 0.5, 1, Number.NaN]);
    await expectOnnxruntimeScores('deep-leq', regressorModel(deepTree('BRANCH_LEQ'), 14), rows);
    await expectOnnxruntimeScores('deep-lt', regressorModel(deepTree('BRANCH_LT'), 14), rows);
  });
});
