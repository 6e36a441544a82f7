import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { TreeEnsemble } from './fitted-model.js';
import { binFeatures } from './gbdt-binning.js';
import { bundleFeatures, unbundledColumns, type HistogramColumns } from './gbdt-bundling.js';
import { GrowWorkspace, growTree, type GrownTree } from './gbdt-tree.js';
import { parseTrainerParams, type TrainerParamsInput } from './params.js';
import { SeededRandom } from './random.js';
import { scoreModel } from './score.js';
import { trainModel } from './train-model.js';

/** scikit-learn's HistGradientBoosting holdout scores: scripts/make-trainer-references.py. */
interface Reference {
  rows: number;
  features: number;
  X: number[];
  y_regression: number[];
  y_binary: number[];
  y_multiclass: number[];
  gbdt: { train_rows: number; regression_r2: number; binary_accuracy: number; multiclass_accuracy: number };
}

const ref = JSON.parse(readFileSync(new URL('../../../test/fixtures/trainers/reference.json', import.meta.url), 'utf8')) as Reference;
const { features } = ref;
const nTrain = ref.gbdt.train_rows;
const nTest = ref.rows - nTrain;
const Xtrain = Float64Array.from(ref.X.slice(0, nTrain * features));
const Xtest = Float64Array.from(ref.X.slice(nTrain * features));
// The settings the reference used for sklearn: 100 rounds, depth 6, 20 rows a leaf, no L2.
const params = (extra: TrainerParamsInput = {}) => parseTrainerParams({ algorithm: 'gbdt', l2: 0, ...extra }, 'gbdt.test');

function split(y: number[]): { train: Float64Array; test: Float64Array } {
  return { train: Float64Array.from(y.slice(0, nTrain)), test: Float64Array.from(y.slice(nTrain)) };
}

function accuracy(probabilities: Float64Array, y: Float64Array, k: number): number {
  let correct = 0;
  for (let i = 0; i < y.length; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (probabilities[i * k + c]! > probabilities[i * k + best]!) best = c;
    if (best === y[i]) correct++;
  }
  return correct / y.length;
}

function majorityShare(y: Float64Array): number {
  const counts = new Map<number, number>();
  for (const v of y) counts.set(v, (counts.get(v) ?? 0) + 1);
  return Math.max(...counts.values()) / y.length;
}

function bytes(model: TreeEnsemble): Buffer {
  const parts: Buffer[] = [Buffer.from(model.baseScore.buffer), Buffer.from(model.treeTargets.buffer)];
  for (const t of model.trees) for (const a of [t.feature, t.threshold, t.left, t.right, t.value]) parts.push(Buffer.from(a.buffer, a.byteOffset, a.byteLength));
  return Buffer.concat(parts);
}

describe('gbdt against scikit-learn HistGradientBoosting (holdout)', () => {
  it('regression R² is within 0.03 of sklearn and far above the mean baseline', () => {
    const y = split(ref.y_regression);
    const model = trainModel({ task: 'regression', X: Xtrain, rows: nTrain, features, y: y.train, params: params() });
    const { prediction } = scoreModel(model, Xtest, nTest);
    let mean = 0;
    for (const v of y.test) mean += v / nTest;
    let ssRes = 0;
    let ssTot = 0;
    for (let i = 0; i < nTest; i++) {
      ssRes += (y.test[i]! - prediction![i]!) ** 2;
      ssTot += (y.test[i]! - mean) ** 2;
    }
    const r2 = 1 - ssRes / ssTot;
    expect(r2).toBeGreaterThan(ref.gbdt.regression_r2 - 0.03);
    expect(r2).toBeGreaterThan(0.7);
  });

  it('binary accuracy is within 0.03 of sklearn and far above the majority class', () => {
    const y = split(ref.y_binary);
    const model = trainModel({ task: 'classification', X: Xtrain, rows: nTrain, features, y: y.train, classes: [0, 1], params: params() });
    const acc = accuracy(scoreModel(model, Xtest, nTest).probabilities!, y.test, 2);
    expect(acc).toBeGreaterThan(ref.gbdt.binary_accuracy - 0.03);
    expect(acc).toBeGreaterThan(majorityShare(y.test) + 0.2);
  });

  it('multiclass accuracy is within 0.03 of sklearn; K trees a round', () => {
    const y = split(ref.y_multiclass);
    const model = trainModel({ task: 'classification', X: Xtrain, rows: nTrain, features, y: y.train, classes: ['a', 'b', 'c'], params: params() }) as TreeEnsemble;
    expect(model.trees.length).toBe(300);
    expect(Array.from(model.treeTargets.slice(0, 6))).toEqual([0, 1, 2, 0, 1, 2]);
    expect(model.baseScore.length).toBe(3);
    const acc = accuracy(scoreModel(model, Xtest, nTest).probabilities!, y.test, 3);
    expect(acc).toBeGreaterThan(ref.gbdt.multiclass_accuracy - 0.03);
    expect(acc).toBeGreaterThan(majorityShare(y.test) + 0.2);
  });
});

describe('gbdt model arrays', () => {
  const y = split(ref.y_binary).train;
  const fit = (extra: TrainerParamsInput = {}) => trainModel({ task: 'classification', X: Xtrain, rows: nTrain, features, y, classes: [0, 1], params: params({ n_estimators: 20, ...extra }) }) as TreeEnsemble;

  it('trees follow the fitted-model layout with float32 thresholds and depth ≤ max_depth', () => {
    const model = fit({ max_depth: 3 });
    expect(model.trees.length).toBe(20);
    for (const tree of model.trees) {
      const depth = new Int32Array(tree.feature.length);
      for (let i = 0; i < tree.feature.length; i++) {
        if (tree.feature[i] === -1) {
          expect(tree.left[i]).toBe(-1);
          expect(tree.right[i]).toBe(-1);
          continue;
        }
        expect(tree.feature[i]).toBeGreaterThanOrEqual(0);
        expect(tree.feature[i]).toBeLessThan(features);
        expect(Math.fround(tree.threshold[i]!)).toBe(tree.threshold[i]);
        expect(tree.left[i]).toBeGreaterThan(i);
        depth[tree.left[i]!] = depth[tree.right[i]!] = depth[i]! + 1;
      }
      expect(Math.max(...depth)).toBeLessThanOrEqual(3);
    }
    // baseScore is the log-odds prior of the training rows
    const p = y.reduce((s, v) => s + v, 0) / y.length;
    expect(model.baseScore[0]).toBeCloseTo(Math.log(p / (1 - p)), 12);
  });

  it('the JS scorer reproduces the training loss the trainer reported (bins and thresholds agree)', () => {
    const reports: Record<string, number>[] = [];
    const yr = split(ref.y_regression).train;
    const model = trainModel({ task: 'regression', X: Xtrain, rows: nTrain, features, y: yr, params: params({ n_estimators: 30 }), onIteration: (it) => reports.push(it.metrics) });
    expect(reports.length).toBe(30);
    const { prediction } = scoreModel(model, Xtrain, nTrain);
    let sse = 0;
    for (let i = 0; i < nTrain; i++) sse += (yr[i]! - prediction![i]!) ** 2;
    expect(Math.sqrt(sse / nTrain)).toBeCloseTo(reports.at(-1)!.train_rmse!, 10);
    expect(reports.at(-1)!.train_rmse!).toBeLessThan(reports[0]!.train_rmse!);
  });

  it('is deterministic: same data, params and seed give identical bytes', () => {
    const a = fit({ subsample: 0.7, colsample: 0.6, seed: 7 });
    const b = fit({ subsample: 0.7, colsample: 0.6, seed: 7 });
    expect(bytes(a).equals(bytes(b))).toBe(true);
  });

  it('depends on the seed when rows or features are subsampled, not otherwise', () => {
    expect(bytes(fit({ subsample: 0.7, seed: 1 })).equals(bytes(fit({ subsample: 0.7, seed: 2 })))).toBe(false);
    expect(bytes(fit({ colsample: 0.6, seed: 1 })).equals(bytes(fit({ colsample: 0.6, seed: 2 })))).toBe(false);
    expect(bytes(fit({ seed: 1 })).equals(bytes(fit({ seed: 2 })))).toBe(true);
  });

  it('splits exactly at float32 edges: values just either side of a threshold land apart', () => {
    // One feature whose distinct values are adjacent float32 numbers: the edge must fall between
    // them even though no float32 midpoint exists.
    const a = Math.fround(1.1);
    const b = Math.fround(a + 2 ** -23 * 1.1); // the next float32 after a
    expect(b).toBeGreaterThan(a);
    const n = 200;
    const X1 = new Float64Array(n);
    const y1 = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      X1[i] = i < n / 2 ? a : b;
      y1[i] = i < n / 2 ? 0 : 10;
    }
    const model = trainModel({ task: 'regression', X: X1, rows: n, features: 1, y: y1, params: params({ n_estimators: 50, learning_rate: 0.5 }) });
    const { prediction } = scoreModel(model, Float64Array.of(a, b), 2);
    expect(prediction![0]).toBeCloseTo(0, 6);
    expect(prediction![1]).toBeCloseTo(10, 6);
  });
});

describe('gbdt early stopping', () => {
  it('stops when the validation loss stops improving and keeps the best rounds', () => {
    // Pure noise: after a few rounds every tree only fits noise, so validation loss rises.
    const rng = new SeededRandom(3);
    const n = 600;
    const X = Float64Array.from({ length: n * 3 }, () => rng.next());
    const y = Float64Array.from({ length: n }, () => rng.next());
    const reports: Record<string, number>[] = [];
    const model = trainModel({ task: 'regression', X, rows: n, features: 3, y, params: params({ n_estimators: 300, early_stopping_rounds: 5, min_samples_leaf: 5, learning_rate: 0.3 }), onIteration: (it) => reports.push(it.metrics) }) as TreeEnsemble;
    expect(reports.length).toBeLessThan(300);
    expect(reports.every((m) => Number.isFinite(m.valid_rmse) && Number.isFinite(m.train_rmse))).toBe(true);
    const valid = reports.map((m) => m.valid_rmse!);
    const best = valid.indexOf(Math.min(...valid));
    expect(model.trees.length).toBe(best + 1);
    expect(reports.length).toBe(best + 1 + 5);
    // training loss keeps falling past the best validation round
    expect(reports.at(-1)!.train_rmse!).toBeLessThan(reports[best]!.train_rmse!);
  });

  it('without early_stopping_rounds uses every row and every round', () => {
    const reports: Record<string, number>[] = [];
    trainModel({ task: 'regression', X: Xtrain, rows: nTrain, features, y: split(ref.y_regression).train, params: params({ n_estimators: 12 }), onIteration: (it) => reports.push(it.metrics) });
    expect(reports.map((r) => Object.keys(r))).toEqual(Array.from({ length: 12 }, () => ['train_rmse']));
  });
});

describe('gbdt exclusive feature bundling (sparse one-hot columns)', () => {
  // Two dense features and a 12-level categorical one-hot encoded: the one-hot columns are
  // never non-zero in the same row, so they share one histogram column.
  const rng = new SeededRandom(11);
  const n = 3000;
  const levels = 12;
  const d = 2 + levels;
  const X = new Float64Array(n * d);
  const grad = new Float64Array(n);
  const hess = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const level = Math.min(levels - 1, Math.floor(-Math.log(1 - rng.next()) * 3));
    X[i * d] = Math.floor(rng.next() * 24);
    X[i * d + 1] = rng.next() * 100;
    X[i * d + 2 + level] = 1;
    grad[i] = (level % 3) - 1 + 0.02 * X[i * d]! + rng.next() - 0.5;
    hess[i] = 0.1 + rng.next();
  }
  const binned = binFeatures(X, n, d, Uint32Array.from({ length: n }, (_, i) => i), 255, new SeededRandom(1));
  const options = { maxDepth: 5, minSamplesLeaf: 10, l2: 0.5, learningRate: 0.3 };
  const grow = (columns: HistogramColumns, active: Int32Array): GrownTree => {
    const sample = Uint32Array.from({ length: n }, (_, i) => i);
    return growTree(new GrowWorkspace(binned, columns), grad, hess, sample, n, active, options);
  };

  it('bundles the one-hot columns and leaves the dense ones alone', () => {
    const columns = bundleFeatures(binned);
    expect(columns.count).toBe(3);
    expect(Array.from(columns.columnOf)).toEqual([0, 1, ...Array.from({ length: levels }, () => 2)]);
    expect(Array.from(columns.defaultBin.slice(2))).toEqual(Array.from({ length: levels }, () => 0));
  });

  for (const active of [Int32Array.from({ length: d }, (_, f) => f), Int32Array.of(1, 3, 4, 8, 13)]) {
    it(`chooses the splits of the dense histograms, leaf values to 1e-9 (features ${active.length})`, () => {
      const dense = grow(unbundledColumns(binned), active);
      const bundled = grow(bundleFeatures(binned), active);
      expect(dense.tree.feature.length).toBeGreaterThan(15);
      // one-hot columns are split on, so the bundle's derived default bins are exercised
      expect(Array.from(dense.tree.feature).some((f) => f >= 2)).toBe(true);
      expect(Array.from(bundled.tree.feature)).toEqual(Array.from(dense.tree.feature));
      expect(Array.from(bundled.tree.threshold)).toEqual(Array.from(dense.tree.threshold));
      expect(Array.from(bundled.tree.left)).toEqual(Array.from(dense.tree.left));
      expect(Array.from(bundled.start)).toEqual(Array.from(dense.start));
      for (let i = 0; i < dense.tree.value.length; i++) expect(bundled.tree.value[i]).toBeCloseTo(dense.tree.value[i]!, 9);
    });
  }

  it('the root split is the brute-force best over every feature and threshold', () => {
    const tree = grow(bundleFeatures(binned), Int32Array.from({ length: d }, (_, f) => f)).tree;
    let G = 0;
    let H = 0;
    for (let i = 0; i < n; i++) {
      G += grad[i]!;
      H += hess[i]!;
    }
    const score = (g: number, h: number): number => (g * g) / (h + options.l2);
    let best = { gain: 0, feature: -1, threshold: 0 };
    for (let f = 0; f < d; f++) {
      for (const t of binned.edges[f]!) {
        let gl = 0;
        let hl = 0;
        let cl = 0;
        for (let i = 0; i < n; i++) {
          if (Math.fround(X[i * d + f]!) <= t) {
            gl += grad[i]!;
            hl += hess[i]!;
            cl++;
          }
        }
        if (cl < options.minSamplesLeaf || n - cl < options.minSamplesLeaf) continue;
        const gain = score(gl, hl) + score(G - gl, H - hl) - score(G, H);
        if (gain > best.gain + 1e-9) best = { gain, feature: f, threshold: t };
      }
    }
    expect(best.feature).toBeGreaterThanOrEqual(0);
    expect(tree.feature[0]).toBe(best.feature);
    expect(tree.threshold[0]).toBe(best.threshold);
  });
});
