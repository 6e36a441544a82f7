/**
 * Regression metrics as scikit-learn defines them (mean_squared_error, mean_absolute_error,
 * r2_score), summed with compensation so a million rows around 1e6 keep their digits.
 */
import { fail } from '../../core/errors.js';

/** What `regressionMetrics` takes: truth and prediction per row. */
export interface RegressionInput {
  readonly yTrue: Float64Array;
  readonly yPred: Float64Array;
}

/** One point of the residual plot: residual = truth − prediction. */
export interface ResidualPoint {
  readonly predicted: number;
  readonly residual: number;
}

/** Everything `paddock evaluate` reports for a regressor. */
export interface RegressionEvaluation {
  readonly task: 'regression';
  /** rmse, mae, r2, n. */
  readonly metrics: Readonly<Record<string, number>>;
  /** At most `MAX_RESIDUAL_POINTS` rows, evenly spaced through the data, in row order. */
  readonly residuals: readonly ResidualPoint[];
}

/** The residual plot draws at most this many points (the same rows on every run). */
export const MAX_RESIDUAL_POINTS = 2000;

/** Computes rmse, mae, r2 and the residual sample. */
export function regressionMetrics(input: RegressionInput): RegressionEvaluation {
  const { yTrue, yPred } = input;
  const n = yTrue.length;
  if (yPred.length !== n) fail('INVALID_ARGUMENT', `${n} true values but ${yPred.length} predictions: the model must predict one value per row`, { rows: n, predictions: yPred.length });
  if (n === 0) fail('INVALID_ARGUMENT', 'cannot evaluate on 0 rows: the evaluation data is empty', {});
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(yTrue[i]!)) fail('INVALID_ARGUMENT', `row ${i}: the target is ${yTrue[i]}: drop or fill missing targets before evaluating`, { row: i });
    if (!Number.isFinite(yPred[i]!)) fail('INVALID_ARGUMENT', `row ${i}: the model predicted ${yPred[i]}`, { row: i });
  }
  const squared = new Sum();
  const absolute = new Sum();
  const truth = new Sum();
  for (let i = 0; i < n; i++) {
    const e = yTrue[i]! - yPred[i]!;
    squared.add(e * e);
    absolute.add(Math.abs(e));
    truth.add(yTrue[i]!);
  }
  const meanTrue = truth.value() / n;
  const spread = new Sum();
  for (let i = 0; i < n; i++) spread.add((yTrue[i]! - meanTrue) ** 2);
  const [ssRes, ssTot] = [squared.value(), spread.value()];
  // sklearn's force_finite: a constant target scores 1 when predicted exactly, else 0.
  const r2 = ssTot === 0 ? (ssRes === 0 ? 1 : 0) : 1 - ssRes / ssTot;
  return {
    task: 'regression',
    metrics: { rmse: Math.sqrt(ssRes / n), mae: absolute.value() / n, r2, n },
    residuals: residualSample(yTrue, yPred),
  };
}

function residualSample(yTrue: Float64Array, yPred: Float64Array): ResidualPoint[] {
  const n = yTrue.length;
  const take = Math.min(n, MAX_RESIDUAL_POINTS);
  return Array.from({ length: take }, (_, s) => {
    const i = Math.floor((s * n) / take);
    return { predicted: yPred[i]!, residual: yTrue[i]! - yPred[i]! };
  });
}

/** Neumaier's compensated sum. */
class Sum {
  private sum = 0;
  private carry = 0;

  add(x: number): void {
    const t = this.sum + x;
    this.carry += Math.abs(this.sum) >= Math.abs(x) ? this.sum - t + x : x - t + this.sum;
    this.sum = t;
  }

  value(): number {
    return this.sum + this.carry;
  }
}
