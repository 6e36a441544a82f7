/**
 * Parameters of Paddock's built-in tabular trainers (the `train` block a pipeline stage or
 * `params.yaml` gives). One strict schema for both algorithms, so a typo in a key is an error
 * naming the nearest valid key instead of a silently ignored setting.
 *
 * Objectives (n = training rows), so that `l2` maps onto scikit-learn:
 * - linear regression (ridge): (1/2n)·Σ(y − w·x − b)² + (l2/2)·‖w‖², intercept unpenalised
 *   → sklearn `Ridge(alpha = l2·n)`.
 * - linear classification: (1/n)·Σ log-loss + (l2/2)·‖W‖² (binary sigmoid or multinomial softmax,
 *   intercepts unpenalised) → sklearn `LogisticRegression(C = 1/(n·l2))`.
 * - gbdt: `l2` is the L2 penalty on leaf weights, leaf = −ΣG/(ΣH + l2), as sklearn
 *   HistGradientBoosting's `l2_regularization` and XGBoost's `reg_lambda`.
 */
import { z } from 'zod';
import { parseStrict } from '../../core/yaml-file.js';

const fraction = z.number().gt(0).lte(1);

/** The trainer parameters with their defaults. */
export const trainerParamsSchema = z.strictObject({
  algorithm: z.enum(['linear', 'gbdt']).default('gbdt').describe('linear: ridge / logistic regression; gbdt: histogram gradient-boosted trees'),
  l2: z.number().finite().nonnegative().default(1e-4).describe('L2 penalty: on coefficients (linear, mean-loss scale) or on leaf weights (gbdt)'),
  max_iter: z.number().int().positive().default(100).describe('linear classification: maximum L-BFGS iterations'),
  tol: z.number().finite().positive().default(1e-6).describe('linear classification: stop when the largest gradient component (standardised features) is at most tol'),
  n_estimators: z.number().int().positive().default(100).describe('gbdt: boosting rounds (multiclass: one tree per class per round)'),
  learning_rate: z.number().finite().positive().default(0.1).describe('gbdt: shrinkage applied to each leaf weight'),
  max_depth: z.number().int().min(1).max(24).default(6).describe('gbdt: depth of each tree (root at depth 0)'),
  min_samples_leaf: z.number().int().positive().default(20).describe('gbdt: minimum (sampled) training rows in a leaf'),
  max_bins: z.number().int().min(2).max(255).default(255).describe('gbdt: histogram bins per feature (quantiles of the float32 values)'),
  subsample: fraction.default(1).describe('gbdt: fraction of training rows drawn (without replacement) per round'),
  colsample: fraction.default(1).describe('gbdt: fraction of features drawn per tree'),
  seed: z.number().int().default(0).describe('seed of every random choice (sampling, validation split)'),
  early_stopping_rounds: z.number().int().positive().optional().describe('gbdt: hold out validation_fraction of the rows and stop after this many rounds without a better validation loss'),
  validation_fraction: z.number().gt(0).lt(1).default(0.1).describe('gbdt with early stopping: fraction of rows held out'),
});

/** Validated trainer parameters, defaults applied. */
export type TrainerParams = z.output<typeof trainerParamsSchema>;

/** What a caller may give (every key optional). */
export type TrainerParamsInput = z.input<typeof trainerParamsSchema>;

/**
 * Validates trainer parameters (`undefined`/`null` → all defaults). An unknown key →
 * CONFIG_INVALID naming `file`, the key and the nearest valid one; a bad value names the key.
 */
export function parseTrainerParams(value: unknown, file: string): TrainerParams {
  return parseStrict(trainerParamsSchema, value ?? {}, { file });
}
