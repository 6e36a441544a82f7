/**
 * The JavaScript scorer of fitted models: what evaluation uses without a runtime, and the
 * reference the ONNX export is checked against. Trees compare Math.fround(x) <= threshold, the
 * float32 comparison the ONNX graph makes.
 */
import { fail } from '../../core/errors.js';
import type { FittedModel, LinearModel, TreeEnsemble } from './fitted-model.js';
import { sigmoid, softmax } from './gbdt-loss.js';

/** Scores: regression → prediction [rows]; classification → probabilities [rows × K] (K = 2 for binary: [1 − p, p]). */
export interface ModelScores {
  readonly prediction?: Float64Array;
  readonly probabilities?: Float64Array;
}

/** Scores a row-major matrix X (rows × model.features). */
export function scoreModel(model: FittedModel, X: Float64Array, rows: number): ModelScores {
  if (X.length !== rows * model.features) {
    fail('INVALID_ARGUMENT', `X has ${X.length} values but rows × features = ${rows} × ${model.features}: pass a row-major matrix of that shape`, { length: X.length, rows, features: model.features });
  }
  const raw = model.kind === 'linear' ? linearScores(model, X, rows) : treeScores(model, X, rows);
  const targets = targetCount(model);
  if (model.task === 'regression') return { prediction: raw };
  if (targets === 1) {
    const probabilities = new Float64Array(rows * 2);
    for (let i = 0; i < rows; i++) {
      const p = sigmoid(raw[i]!);
      probabilities[i * 2] = 1 - p;
      probabilities[i * 2 + 1] = p;
    }
    return { probabilities };
  }
  const probabilities = new Float64Array(rows * targets);
  const out = new Float64Array(targets);
  for (let i = 0; i < rows; i++) {
    softmax(raw, i * targets, targets, out);
    probabilities.set(out, i * targets);
  }
  return { probabilities };
}

function targetCount(model: FittedModel): number {
  return model.kind === 'linear' ? model.intercepts.length : model.baseScore.length;
}

/** rows × targets raw scores w·x + b. */
function linearScores(model: LinearModel, X: Float64Array, rows: number): Float64Array {
  const d = model.features;
  const targets = model.intercepts.length;
  const raw = new Float64Array(rows * targets);
  for (let i = 0; i < rows; i++) {
    for (let t = 0; t < targets; t++) {
      let s = model.intercepts[t]!;
      for (let j = 0; j < d; j++) s += model.coefficients[t * d + j]! * X[i * d + j]!;
      raw[i * targets + t] = s;
    }
  }
  return raw;
}

/** rows × targets raw scores baseScore + Σ trees. */
function treeScores(model: TreeEnsemble, X: Float64Array, rows: number): Float64Array {
  const d = model.features;
  const targets = model.baseScore.length;
  const raw = new Float64Array(rows * targets);
  for (let i = 0; i < rows; i++) for (let t = 0; t < targets; t++) raw[i * targets + t] = model.baseScore[t]!;
  const x32 = new Float64Array(d);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < d; j++) x32[j] = Math.fround(X[i * d + j]!);
    for (let k = 0; k < model.trees.length; k++) {
      const tree = model.trees[k]!;
      let node = 0;
      while (tree.feature[node]! >= 0) {
        node = x32[tree.feature[node]!]! <= tree.threshold[node]! ? tree.left[node]! : tree.right[node]!;
      }
      const at = i * targets + model.treeTargets[k]!;
      raw[at] = raw[at]! + tree.value[node]!;
    }
  }
  return raw;
}
