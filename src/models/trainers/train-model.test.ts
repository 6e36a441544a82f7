import { describe, expect, it } from 'vitest';
import { PaddockError } from '../../core/errors.js';
import type { ClassLabels, Task } from './fitted-model.js';
import { parseTrainerParams, trainerParamsSchema } from './params.js';
import { SeededRandom } from './random.js';
import { scoreModel } from './score.js';
import { trainModel } from './train-model.js';

function catchError(fn: () => unknown): PaddockError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(PaddockError);
    return err as PaddockError;
  }
  throw new Error('expected an error');
}

/** A small separable problem: y = 1 when x0 + x1 > 1. */
function toyData(rows = 120, features = 2): { X: Float64Array; y: Float64Array } {
  const rng = new SeededRandom(11);
  const X = Float64Array.from({ length: rows * features }, () => rng.next());
  const y = Float64Array.from({ length: rows }, (_, i) => (X[i * features]! + X[i * features + 1]! > 1 ? 1 : 0));
  return { X, y };
}

describe('parseTrainerParams', () => {
  it('fills the documented defaults', () => {
    expect(parseTrainerParams(undefined, 'params.yaml')).toEqual({
      algorithm: 'gbdt', l2: 1e-4, max_iter: 100, tol: 1e-6, n_estimators: 100, learning_rate: 0.1, max_depth: 6,
      min_samples_leaf: 20, max_bins: 255, subsample: 1, colsample: 1, seed: 0, validation_fraction: 0.1,
    });
    expect(parseTrainerParams({ early_stopping_rounds: 10 }, 'p').early_stopping_rounds).toBe(10);
  });

  it('rejects an unknown key naming the nearest valid one', () => {
    const err = catchError(() => parseTrainerParams({ n_estimator: 50 }, 'params.yaml'));
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.message).toMatch(/params\.yaml: unknown key 'n_estimator'; did you mean 'n_estimators'\?/);
  });

  it('rejects out-of-range values naming the key', () => {
    expect(catchError(() => parseTrainerParams({ max_bins: 256 }, 'p')).message).toMatch(/'max_bins'/);
    expect(catchError(() => parseTrainerParams({ subsample: 0 }, 'p')).message).toMatch(/'subsample'/);
    expect(catchError(() => parseTrainerParams({ algorithm: 'forest' }, 'p')).message).toMatch(/'algorithm'/);
    expect(() => trainerParamsSchema.parse({ l2: -1 })).toThrow();
  });
});

describe('trainModel input checks', () => {
  const params = parseTrainerParams({ n_estimators: 3 }, 't');
  const { X, y } = toyData();
  const run = (over: Partial<{ task: Task; X: Float64Array; rows: number; features: number; y: Float64Array; classes: ClassLabels }>) =>
    catchError(() => trainModel({ task: 'classification', X, rows: 120, features: 2, y, classes: [0, 1], params, ...over }));

  it('rejects a matrix whose size is not rows × features', () => {
    const err = run({ rows: 100 });
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.message).toMatch(/X has 240 values but rows × features = 100 × 2 = 200/);
  });

  it('rejects y of the wrong length', () => {
    expect(run({ y: y.subarray(0, 10) }).message).toMatch(/y has 10 values but X has 120 rows/);
  });

  it('rejects NaN or infinite features naming the row and feature', () => {
    const bad = X.slice();
    bad[2 * 7 + 1] = Number.NaN;
    const err = run({ X: bad });
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.message).toMatch(/X\[7\]\[1\] is NaN.*impute/);
    bad[2 * 7 + 1] = Infinity;
    expect(run({ X: bad }).message).toMatch(/X\[7\]\[1\] is Infinity/);
  });

  it('rejects a class index out of range or not an integer', () => {
    const bad = y.slice();
    bad[5] = 2;
    expect(run({ y: bad }).message).toMatch(/y\[5\] is 2, not a class index 0\.\.1/);
    bad[5] = 0.5;
    expect(run({ y: bad }).code).toBe('INVALID_ARGUMENT');
  });

  it('rejects classification with one class', () => {
    expect(run({ classes: ['yes'] }).message).toMatch(/at least 2 classes, got 1 \(yes\)/);
    expect(run({ y: new Float64Array(120) }).message).toMatch(/y holds only one class \(0\) of 2/);
    expect(run({ classes: undefined }).code).toBe('INVALID_ARGUMENT');
  });

  it('rejects non-finite regression targets', () => {
    const bad = y.slice();
    bad[3] = Number.NaN;
    expect(run({ task: 'regression', y: bad }).message).toMatch(/y\[3\] is NaN/);
  });
});

describe('trainModel dispatch', () => {
  const { X, y } = toyData();

  it('binary → one target; multiclass → K targets; both algorithms', () => {
    for (const algorithm of ['linear', 'gbdt'] as const) {
      const params = parseTrainerParams({ algorithm, n_estimators: 5, min_samples_leaf: 5 }, 't');
      const binary = trainModel({ task: 'classification', X, rows: 120, features: 2, y, classes: ['no', 'yes'], params });
      expect(binary.kind).toBe(algorithm === 'linear' ? 'linear' : 'trees');
      expect(binary.classes).toEqual(['no', 'yes']);
      expect(binary.kind === 'linear' ? binary.intercepts.length : binary.baseScore.length).toBe(1);
      const y3 = y.map((v, i) => (i % 3 === 0 ? 2 : v));
      const multi = trainModel({ task: 'classification', X, rows: 120, features: 2, y: y3, classes: [1, 2, 3], params });
      expect(multi.kind === 'linear' ? multi.intercepts.length : multi.baseScore.length).toBe(3);
      expect(scoreModel(multi, X, 120).probabilities!.length).toBe(360);
      const regression = trainModel({ task: 'regression', X, rows: 120, features: 2, y: X.filter((_, i) => i % 2 === 0), params });
      expect(regression.classes).toBeUndefined();
      expect(scoreModel(regression, X, 120).prediction!.length).toBe(120);
    }
  });

  it('reports per-iteration training loss from step 1 for gbdt', () => {
    const steps: { step: number; metrics: Record<string, number> }[] = [];
    trainModel({ task: 'classification', X, rows: 120, features: 2, y, classes: [0, 1], params: parseTrainerParams({ n_estimators: 10, min_samples_leaf: 5 }, 't'), onIteration: (it) => steps.push(it) });
    expect(steps.map((s) => s.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    for (let i = 1; i < steps.length; i++) expect(steps[i]!.metrics.train_log_loss!).toBeLessThan(steps[i - 1]!.metrics.train_log_loss!);
  });

  it('scoreModel checks the matrix shape', () => {
    const model = trainModel({ task: 'classification', X, rows: 120, features: 2, y, classes: [0, 1], params: parseTrainerParams({ n_estimators: 2 }, 't') });
    expect(catchError(() => scoreModel(model, X, 7)).message).toMatch(/X has 240 values but rows × features = 7 × 2/);
  });
});
