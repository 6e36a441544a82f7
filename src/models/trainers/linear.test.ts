import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { LinearModel } from './fitted-model.js';
import { parseTrainerParams } from './params.js';
import { scoreModel } from './score.js';
import { trainModel } from './train-model.js';

/** scikit-learn's fits on a fixed data set: scripts/make-trainer-references.py. */
interface Reference {
  l2: number;
  rows: number;
  features: number;
  X: number[];
  y_regression: number[];
  y_binary: number[];
  y_multiclass: number[];
  linear: {
    ridge: { coefficients: number[]; intercept: number };
    logistic_binary: { coefficients: number[]; intercept: number };
    logistic_multinomial: { coefficients: number[][]; intercepts: number[] };
  };
}

const ref = JSON.parse(readFileSync(new URL('../../../test/fixtures/trainers/reference.json', import.meta.url), 'utf8')) as Reference;
const X = Float64Array.from(ref.X);
const { rows, features } = ref;
const params = parseTrainerParams({ algorithm: 'linear', l2: ref.l2, max_iter: 1000, tol: 1e-10 }, 'linear.test');

/** Each value within 1e-4 relative of the reference (absolute 1e-6 for values near 0). */
function expectClose(actual: ArrayLike<number>, expected: readonly number[]): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    expect(Math.abs(actual[i]! - e), `index ${i}: ${actual[i]} vs ${e}`).toBeLessThanOrEqual(Math.max(1e-4 * Math.abs(e), 1e-6));
  }
}

describe('linear trainers against scikit-learn', () => {
  it('ridge equals sklearn Ridge(alpha = l2·n)', () => {
    const model = trainModel({ task: 'regression', X, rows, features, y: Float64Array.from(ref.y_regression), params }) as LinearModel;
    expect(model.kind).toBe('linear');
    expectClose(model.coefficients, ref.linear.ridge.coefficients);
    expectClose(model.intercepts, [ref.linear.ridge.intercept]);
  });

  it('binary logistic regression equals sklearn LogisticRegression(C = 1/(n·l2))', () => {
    const steps: number[] = [];
    const losses: number[] = [];
    const model = trainModel({
      task: 'classification', X, rows, features, y: Float64Array.from(ref.y_binary), classes: [0, 1], params,
      onIteration: (it) => {
        steps.push(it.step);
        losses.push(it.metrics.train_log_loss!);
      },
    }) as LinearModel;
    expect(model.coefficients.length).toBe(features);
    expectClose(model.coefficients, ref.linear.logistic_binary.coefficients);
    expectClose(model.intercepts, [ref.linear.logistic_binary.intercept]);
    expect(steps.length).toBeGreaterThan(3);
    expect(steps).toEqual(steps.map((_, i) => i + 1));
    expect(losses.at(-1)!).toBeLessThan(losses[0]!);
    expect(losses.at(-1)!).toBeLessThan(Math.log(2));
  });

  it('multinomial logistic regression equals sklearn (intercepts centred)', () => {
    const model = trainModel({ task: 'classification', X, rows, features, y: Float64Array.from(ref.y_multiclass), classes: ['a', 'b', 'c'], params }) as LinearModel;
    expect(model.classes).toEqual(['a', 'b', 'c']);
    expectClose(model.coefficients, ref.linear.logistic_multinomial.coefficients.flat());
    expectClose(model.intercepts, ref.linear.logistic_multinomial.intercepts);
  });

  it('scores probabilities that sum to 1, binary as [1 − p, p]', () => {
    const y = Float64Array.from(ref.y_binary);
    const model = trainModel({ task: 'classification', X, rows, features, y, classes: [0, 1], params });
    const { probabilities } = scoreModel(model, X, rows);
    expect(probabilities!.length).toBe(rows * 2);
    let correct = 0;
    for (let i = 0; i < rows; i++) {
      expect(probabilities![i * 2]! + probabilities![i * 2 + 1]!).toBeCloseTo(1, 12);
      if ((probabilities![i * 2 + 1]! > 0.5 ? 1 : 0) === y[i]) correct++;
    }
    expect(correct / rows).toBeGreaterThan(0.6);
  });

  it('stops at max_iter and is deterministic', () => {
    const short = parseTrainerParams({ algorithm: 'linear', max_iter: 3 }, 'linear.test');
    const y = Float64Array.from(ref.y_multiclass);
    let calls = 0;
    const a = trainModel({ task: 'classification', X, rows, features, y, classes: [0, 1, 2], params: short, onIteration: () => calls++ }) as LinearModel;
    const b = trainModel({ task: 'classification', X, rows, features, y, classes: [0, 1, 2], params: short }) as LinearModel;
    expect(calls).toBe(3);
    expect(Buffer.from(a.coefficients.buffer)).toEqual(Buffer.from(b.coefficients.buffer));
    expect(Buffer.from(a.intercepts.buffer)).toEqual(Buffer.from(b.intercepts.buffer));
  });

  it('ridge with l2 = 0 and a duplicated column still solves (jittered Cholesky)', () => {
    const n = 50;
    const Xd = new Float64Array(n * 2);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      Xd[i * 2] = i;
      Xd[i * 2 + 1] = i;
      y[i] = 3 * i + 1;
    }
    const model = trainModel({ task: 'regression', X: Xd, rows: n, features: 2, y, params: parseTrainerParams({ algorithm: 'linear', l2: 0 }, 't') }) as LinearModel;
    expect(model.coefficients[0]! + model.coefficients[1]!).toBeCloseTo(3, 6);
    expect(model.intercepts[0]!).toBeCloseTo(1, 4);
  });
});
