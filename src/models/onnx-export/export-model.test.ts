import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../test-support/cli.js';
import { loadOnnxModel, type OnnxResult, type OnnxValueInfo } from '../runtime/onnx-session.js';
import { ONNX_NAMES, type FittedModel, type LinearModel, type Tree, type TreeEnsemble } from '../trainers/fitted-model.js';
import { exportOnnx } from './export-model.js';

// Every model is exported, loaded by the real onnxruntime and run on fixed rows; the expected
// outputs are computed here from the model's own numbers (dot products, tree walks, sigmoid,
// softmax), independently of the exporter.

const tmp = tempDir('paddock-onnx-export-');
afterAll(() => tmp.cleanup());

const ROWS = [
  [0, 0, 0],
  [1, -2, 0.5],
  [-1.5, 3, 2],
  [0.25, 0.75, -1],
  [2, 1, 1],
];
const F = 3;

const sigmoid = (s: number): number => 1 / (1 + Math.exp(-s));
function softmax(scores: readonly number[]): number[] {
  const m = Math.max(...scores);
  const e = scores.map((s) => Math.exp(s - m));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}
/** The model's inputs are float32: the reference sees the same rounded values. */
const row32 = (row: readonly number[]): number[] => row.map(Math.fround);
const dot = (w: ArrayLike<number>, offset: number, x: readonly number[]): number => x.reduce((acc, v, j) => acc + w[offset + j]! * v, 0);
function leafValue(tree: Tree, x: readonly number[]): number {
  let i = 0;
  while (tree.feature[i] !== -1) i = x[tree.feature[i]!]! <= tree.threshold[i]! ? tree.left[i]! : tree.right[i]!;
  return tree.value[i]!;
}
function treeScores(model: TreeEnsemble, x: readonly number[]): number[] {
  const scores = Array.from(model.baseScore);
  model.trees.forEach((tree, t) => (scores[model.treeTargets[t]!]! += leafValue(tree, x)));
  return scores;
}

/** A stump-or-deeper tree from node tuples [feature, threshold, left, right, value]. */
function tree(nodes: readonly (readonly [number, number, number, number, number])[]): Tree {
  return {
    feature: Int32Array.from(nodes, (n) => n[0]),
    threshold: Float64Array.from(nodes, (n) => Math.fround(n[1])),
    left: Int32Array.from(nodes, (n) => n[2]),
    right: Int32Array.from(nodes, (n) => n[3]),
    value: Float64Array.from(nodes, (n) => n[4]),
  };
}
const leaf = (value: number) => [-1, 0, 0, 0, value] as const;

let counter = 0;
/** Exports `model`, runs it on ROWS and returns outputs plus the declared input/outputs. */
async function run(model: FittedModel): Promise<{ out: Record<string, OnnxResult>; inputs: readonly OnnxValueInfo[]; outputs: readonly OnnxValueInfo[] }> {
  const file = path.join(tmp.dir, `model-${counter++}.onnx`);
  writeFileSync(file, exportOnnx(model, { producerVersion: '0.1.0-test' }));
  const onnx = await loadOnnxModel(file);
  try {
    const out = await onnx.run({ [ONNX_NAMES.input]: { data: Float32Array.from(ROWS.flat()), dims: [ROWS.length, F] } });
    return { out, inputs: onnx.inputs, outputs: onnx.outputs };
  } finally {
    await onnx.close();
  }
}

function expectClose(actual: OnnxResult['data'], expected: readonly number[]): void {
  const got = Array.from(actual as Float32Array);
  expect(got).toHaveLength(expected.length);
  got.forEach((v, i) => expect(Math.abs(v - expected[i]!), `element ${i}: ${v} vs ${expected[i]}`).toBeLessThan(1e-5));
}
const labels = (data: OnnxResult['data']): (string | number)[] => Array.from(data as ArrayLike<string | bigint>, (v) => (typeof v === 'bigint' ? Number(v) : v));
const argmax = (v: readonly number[]): number => v.indexOf(Math.max(...v));

const INPUT: OnnxValueInfo = { name: ONNX_NAMES.input, isTensor: true, elementType: 'float32', shape: ['batch', F] };
function classifierInfo(labelType: string, k: number): OnnxValueInfo[] {
  return [
    { name: ONNX_NAMES.label, isTensor: true, elementType: labelType, shape: ['batch'] },
    { name: ONNX_NAMES.probabilities, isTensor: true, elementType: 'float32', shape: ['batch', k] },
  ];
}
const PREDICTION_INFO: OnnxValueInfo[] = [{ name: ONNX_NAMES.prediction, isTensor: true, elementType: 'float32', shape: ['batch', 1] }];

describe('exportOnnx: linear models through onnxruntime', () => {
  it('regression → prediction [batch, 1] = w·x + b', async () => {
    const model: LinearModel = { kind: 'linear', task: 'regression', features: F, coefficients: Float64Array.of(0.5, -1.25, 2), intercepts: Float64Array.of(0.75) };
    const { out, inputs, outputs } = await run(model);
    expect(inputs).toEqual([INPUT]);
    expect(outputs).toEqual(PREDICTION_INFO);
    expect(out[ONNX_NAMES.prediction]!.dims).toEqual([ROWS.length, 1]);
    expectClose(out[ONNX_NAMES.prediction]!.data, ROWS.map((r) => dot(model.coefficients, 0, row32(r)) + 0.75));
  });

  it('binary logistic (labels 0/1) → probabilities [1 - p, p] and label classes[1] iff w·x + b > 0', async () => {
    // Row 0 scores exactly 0: p = 0.5 and the label must be classes[0].
    const model: LinearModel = { kind: 'linear', task: 'classification', features: F, coefficients: Float64Array.of(1.5, 0.5, -1), intercepts: Float64Array.of(0), classes: [0, 1] };
    const { out, outputs } = await run(model);
    expect(outputs).toEqual(classifierInfo('int64', 2));
    const scores = ROWS.map((r) => dot(model.coefficients, 0, row32(r)));
    expect(out[ONNX_NAMES.probabilities]!.dims).toEqual([ROWS.length, 2]);
    expectClose(out[ONNX_NAMES.probabilities]!.data, scores.flatMap((s) => [1 - sigmoid(s), sigmoid(s)]));
    expect(out[ONNX_NAMES.label]!.dims).toEqual([ROWS.length]);
    expect(labels(out[ONNX_NAMES.label]!.data)).toEqual(scores.map((s) => (s > 0 ? 1 : 0)));
    expect(new Set(labels(out[ONNX_NAMES.label]!.data))).toEqual(new Set([0, 1]));
  });

  it('3-class softmax with string labels → probabilities [batch, 3] in classes order and argmax label', async () => {
    const classes = ['bird', 'cat', 'dog'];
    const model: LinearModel = {
      kind: 'linear', task: 'classification', features: F,
      coefficients: Float64Array.of(1, -0.5, 0.25, -1, 0.75, 0.5, 0.2, 0.1, -0.8),
      intercepts: Float64Array.of(0.1, -0.2, 0.3),
      classes,
    };
    const { out, outputs } = await run(model);
    expect(outputs).toEqual(classifierInfo('string', 3));
    const probs = ROWS.map((r) => softmax([0, 1, 2].map((k) => dot(model.coefficients, k * F, row32(r)) + model.intercepts[k]!)));
    expectClose(out[ONNX_NAMES.probabilities]!.data, probs.flat());
    expect(labels(out[ONNX_NAMES.label]!.data)).toEqual(probs.map((p) => classes[argmax(p)]));
    expect(new Set(labels(out[ONNX_NAMES.label]!.data)).size).toBeGreaterThan(1);
  });
});

// Node tuples [feature, threshold, left, right, value]; thresholds that ROWS hit exactly test `<=`.
const TREES: Tree[] = [
  tree([[0, 0.25, 1, 2, 0], [1, -1, 3, 4, 0], leaf(1.5), leaf(-0.75), leaf(0.4)]),
  tree([[2, 0.5, 1, 2, 0], leaf(-0.3), [0, 1, 3, 4, 0], leaf(0.2), leaf(0.9)]),
  tree([[1, 0.75, 1, 2, 0], leaf(0.05), leaf(-0.6)]),
];

describe('exportOnnx: tree ensembles through onnxruntime', () => {
  it('regression of 3 trees → prediction = base + Σ leaves, splitting x <= threshold to the left', async () => {
    const model: TreeEnsemble = { kind: 'trees', task: 'regression', features: F, baseScore: Float64Array.of(2.5), trees: TREES, treeTargets: Int32Array.of(0, 0, 0) };
    const { out, outputs } = await run(model);
    expect(outputs).toEqual(PREDICTION_INFO);
    expectClose(out[ONNX_NAMES.prediction]!.data, ROWS.map((r) => treeScores(model, row32(r))[0]!));
  });

  // Non-negative leaves and a base that leaves some scores in (0, 0.5): the case onnxruntime's
  // binary TreeEnsembleClassifier mislabels, so it catches a regression to that operator.
  const positive: Tree[] = [tree([[0, 0.25, 1, 2, 0], leaf(0.1), leaf(0.6)]), tree([[1, 0.75, 1, 2, 0], leaf(0), leaf(0.3)])];
  it.each([
    { classes: ['no', 'yes'], labelType: 'string', trees: TREES },
    { classes: [-4, 9], labelType: 'int64', trees: positive },
  ])('binary ($labelType labels) → probabilities [1 - p, p] with p = sigmoid(base + Σ leaves)', async ({ classes, labelType, trees }) => {
    const model: TreeEnsemble = { kind: 'trees', task: 'classification', features: F, baseScore: Float64Array.of(-0.2), trees, treeTargets: new Int32Array(trees.length), classes };
    const { out, outputs } = await run(model);
    expect(outputs).toEqual(classifierInfo(labelType, 2));
    const scores = ROWS.map((r) => treeScores(model, row32(r))[0]!);
    expect(scores.some((s) => s > 0) && scores.some((s) => s <= 0)).toBe(true);
    expectClose(out[ONNX_NAMES.probabilities]!.data, scores.flatMap((s) => [1 - sigmoid(s), sigmoid(s)]));
    expect(labels(out[ONNX_NAMES.label]!.data)).toEqual(scores.map((s) => classes[s > 0 ? 1 : 0]));
  });

  it('3 classes (int labels), trees cycling over targets → softmax of per-class sums, argmax label', async () => {
    const classes = [10, 20, 30];
    const model: TreeEnsemble = {
      kind: 'trees', task: 'classification', features: F,
      baseScore: Float64Array.of(0.1, -0.1, 0.05),
      trees: [...TREES, TREES[2]!, TREES[0]!, TREES[1]!],
      treeTargets: Int32Array.of(0, 1, 2, 0, 1, 2),
      classes,
    };
    const { out, outputs } = await run(model);
    expect(outputs).toEqual(classifierInfo('int64', 3));
    const probs = ROWS.map((r) => softmax(treeScores(model, row32(r))));
    expectClose(out[ONNX_NAMES.probabilities]!.data, probs.flat());
    expect(labels(out[ONNX_NAMES.label]!.data)).toEqual(probs.map((p) => classes[argmax(p)]));
    expect(new Set(labels(out[ONNX_NAMES.label]!.data)).size).toBeGreaterThan(1);
  });

  it('an ensemble with no trees predicts its base score', async () => {
    const model: TreeEnsemble = { kind: 'trees', task: 'regression', features: F, baseScore: Float64Array.of(-3.25), trees: [], treeTargets: new Int32Array(0) };
    const { out } = await run(model);
    expectClose(out[ONNX_NAMES.prediction]!.data, ROWS.map(() => -3.25));
  });
});
