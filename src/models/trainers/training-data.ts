/**
 * The training set every trainer takes, and the checks that run once before any of them: a
 * trainer given NaN or a label outside its classes would otherwise produce a silently broken
 * model, so bad input stops here with INVALID_ARGUMENT naming the row, feature or field.
 */
import { fail } from '../../core/errors.js';
import type { ClassLabels, Task } from './fitted-model.js';

/** A row-major feature matrix with its targets. */
export interface TrainingData {
  /** Row-major rows × features. */
  readonly X: Float64Array;
  readonly rows: number;
  readonly features: number;
  /** Classification: class index 0..K-1; regression: the value. */
  readonly y: Float64Array;
}

/** Per-iteration progress: `step` counts completed iterations from 1. */
export interface IterationReport {
  readonly step: number;
  readonly metrics: Record<string, number>;
}

/** Callback trainers call after each iteration. */
export type IterationCallback = (it: IterationReport) => void;

/**
 * Checks shapes, finiteness and labels; returns the number of classes (0 for regression).
 * Classification needs `classes` with ≥ 2 labels, integer y in [0, K) and ≥ 2 distinct classes
 * present in y (a model of one class has nothing to learn).
 */
export function checkTrainingData(task: Task, data: TrainingData, classes: ClassLabels | undefined): number {
  const { X, rows, features, y } = data;
  if (!Number.isInteger(rows) || rows < 1) fail('INVALID_ARGUMENT', `rows must be a positive integer, got ${rows}`, { rows });
  if (!Number.isInteger(features) || features < 1) fail('INVALID_ARGUMENT', `features must be a positive integer, got ${features}`, { features });
  if (X.length !== rows * features) {
    fail('INVALID_ARGUMENT', `X has ${X.length} values but rows × features = ${rows} × ${features} = ${rows * features}: pass a row-major matrix of that shape`, { length: X.length, rows, features });
  }
  if (y.length !== rows) fail('INVALID_ARGUMENT', `y has ${y.length} values but X has ${rows} rows: pass one target per row`, { length: y.length, rows });
  for (let i = 0; i < X.length; i++) {
    if (!Number.isFinite(X[i]!)) {
      const row = Math.floor(i / features);
      const feature = i % features;
      fail('INVALID_ARGUMENT', `X[${row}][${feature}] is ${X[i]}: features must be finite numbers (impute missing values before training)`, { row, feature });
    }
  }
  if (task === 'regression') {
    for (let i = 0; i < rows; i++) {
      if (!Number.isFinite(y[i]!)) fail('INVALID_ARGUMENT', `y[${i}] is ${y[i]}: regression targets must be finite numbers (drop or impute those rows)`, { row: i });
    }
    return 0;
  }
  return checkLabels(y, classes);
}

function checkLabels(y: Float64Array, classes: ClassLabels | undefined): number {
  if (!classes || classes.length < 2) {
    fail('INVALID_ARGUMENT', `classification needs at least 2 classes, got ${classes ? classes.length : 'none'}${classes?.length === 1 ? ` (${String(classes[0])})` : ''}: the target column has a single value, so there is nothing to learn`, { classes: classes?.length ?? 0 });
  }
  const k = classes.length;
  const seen = new Uint8Array(k);
  let distinct = 0;
  for (let i = 0; i < y.length; i++) {
    const c = y[i]!;
    if (!Number.isInteger(c) || c < 0 || c >= k) {
      fail('INVALID_ARGUMENT', `y[${i}] is ${c}, not a class index 0..${k - 1}: classification targets are indices into classes`, { row: i, value: c, classes: k });
    }
    if (seen[c] === 0) {
      seen[c] = 1;
      distinct++;
    }
  }
  if (distinct < 2) {
    const only = classes[y[0]!];
    fail('INVALID_ARGUMENT', `y holds only one class (${String(only)}) of ${k}: classification needs rows of at least 2 classes`, { classes: k });
  }
  return k;
}
