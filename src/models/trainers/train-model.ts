/**
 * The one entry point of the built-in trainers: checks the training set, then dispatches to
 * linear (ridge / logistic) or gbdt. The result is plain arrays (fitted-model.ts) that the ONNX
 * exporter turns into a model package.
 */
import type { ClassLabels, FittedModel, Task } from './fitted-model.js';
import { fitGbdt } from './gbdt.js';
import { fitLogistic, fitRidge } from './linear.js';
import type { TrainerParams } from './params.js';
import { checkTrainingData, type IterationCallback } from './training-data.js';

/** What trainModel takes. */
export interface TrainModelInput {
  readonly task: Task;
  /** Row-major rows × features, in the preprocess output order. */
  readonly X: Float64Array;
  readonly rows: number;
  readonly features: number;
  /** Classification: class index 0..K−1 into `classes`; regression: the target value. */
  readonly y: Float64Array;
  /** Classification: the sorted labels (2 → binary model, > 2 → multiclass). */
  readonly classes?: ClassLabels;
  readonly params: TrainerParams;
  /**
   * Called after each iteration (L-BFGS step or boosting round; `step` from 1) with the
   * training loss (`train_log_loss` / `train_rmse`) and, with early stopping, `valid_…`.
   */
  readonly onIteration?: IterationCallback;
}

/**
 * Trains a model. Bad input (shape mismatch, non-finite X or y, a class index out of range,
 * fewer than 2 classes) → INVALID_ARGUMENT naming the problem. Deterministic for a given
 * input and `params.seed`.
 */
export function trainModel(input: TrainModelInput): FittedModel {
  const { task, params, classes, onIteration } = input;
  const data = { X: input.X, rows: input.rows, features: input.features, y: input.y };
  checkTrainingData(task, data, task === 'classification' ? classes : undefined);
  if (params.algorithm === 'gbdt') return fitGbdt(task, data, classes, params, onIteration);
  return task === 'regression' ? fitRidge(data, params, onIteration) : fitLogistic(data, classes!, params, onIteration);
}
