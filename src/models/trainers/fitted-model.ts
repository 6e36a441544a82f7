/**
 * What a built-in trainer produces and the ONNX exporter consumes: plain numbers, no framework
 * objects, so the exporter (models/onnx-export) and the trainers (models/trainers) meet here and
 * nowhere else. Feature matrices are row-major; the feature order is the preprocess output order.
 */

/** Tabular tasks the built-in trainers handle. */
export type Task = 'classification' | 'regression';

/** Class labels as they appear in the target column (ints, e.g. 0/1, or strings), sorted. */
export type ClassLabels = readonly number[] | readonly string[];

/**
 * A linear model. Regression: one row of coefficients, prediction = w·x + b.
 * Classification with 2 classes: one row (the score of classes[1]), probability = sigmoid(w·x + b).
 * Classification with K > 2 classes: K rows, probabilities = softmax over the K scores.
 */
export interface LinearModel {
  readonly kind: 'linear';
  readonly task: Task;
  /** Number of input features. */
  readonly features: number;
  /** Row-major [targets × features]; targets = 1 for regression and binary classification, else K. */
  readonly coefficients: Float64Array;
  /** One per target row. */
  readonly intercepts: Float64Array;
  /** Classification only. */
  readonly classes?: ClassLabels;
}

/**
 * One decision tree in arrays (node i): internal nodes test `x[feature[i]] <= threshold[i]`
 * (true → left[i], false → right[i]); leaves have feature[i] = -1 and carry `value[i]`.
 * Node 0 is the root. Thresholds are float32-representable (Math.fround), because the ONNX
 * model compares float32 inputs; training bins on float32-rounded values so the model the
 * trainer scored and the model ONNX runs decide every split the same way.
 * Missing values never reach a tree: preprocessing imputes them.
 */
export interface Tree {
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly value: Float64Array;
}

/**
 * An additive tree ensemble (gradient boosting): score_k(x) = baseScore[k] + Σ trees of target k.
 * Regression: 1 target, prediction = score. Binary classification: 1 target, the logit of
 * classes[1], probability = sigmoid(score). K > 2 classes: K targets, softmax.
 */
export interface TreeEnsemble {
  readonly kind: 'trees';
  readonly task: Task;
  readonly features: number;
  /** One per target. */
  readonly baseScore: Float64Array;
  /** The trees and which target each adds to (`target[t]` for `trees[t]`), in training order. */
  readonly trees: readonly Tree[];
  readonly treeTargets: Int32Array;
  readonly classes?: ClassLabels;
}

/** Either kind of fitted model. */
export type FittedModel = LinearModel | TreeEnsemble;

/** Names of the ONNX graph's input and outputs, shared by exporter, package signature and predict. */
export const ONNX_NAMES = {
  /** float32 [batch, features]. */
  input: 'features',
  /** Classification: the predicted class, int64 [batch] (int labels) or string [batch]. */
  label: 'label',
  /** Classification: float32 [batch, K] class probabilities (K = 2 for binary), in `classes` order. */
  probabilities: 'probabilities',
  /** Regression: float32 [batch, 1]. */
  prediction: 'prediction',
} as const;
