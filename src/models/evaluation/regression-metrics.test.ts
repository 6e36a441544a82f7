import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_RESIDUAL_POINTS, regressionMetrics } from './regression-metrics.js';

/** Cases written by scripts/make-metric-references.py with scikit-learn. */
interface RegressionCase {
  readonly yTrue: number[];
  readonly yPred: number[];
  readonly expected: Record<string, number>;
}

const REFERENCE = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../../test/fixtures/metrics/reference.json'), 'utf8')) as {
  cases: Record<string, RegressionCase>;
};

describe('regressionMetrics against scikit-learn', () => {
  for (const name of ['regression', 'regression_offset']) {
    it(`matches sklearn on ${name}`, () => {
      const c = REFERENCE.cases[name]!;
      const e = regressionMetrics({ yTrue: Float64Array.from(c.yTrue), yPred: Float64Array.from(c.yPred) });
      expect(Object.keys(e.metrics).sort()).toEqual(['mae', 'n', 'r2', 'rmse']);
      for (const [metric, value] of Object.entries(c.expected)) {
        // numpy sums pairwise, Paddock with compensation: agreement to 1e-9 relative.
        expect(Math.abs(e.metrics[metric]! - value) / Math.max(1, Math.abs(value)), `${metric}: ${e.metrics[metric]} vs ${value}`).toBeLessThan(1e-9);
      }
    });
  }
});

describe('regressionMetrics details', () => {
  it('samples at most 2000 residuals, the same rows every time, truth minus prediction', () => {
    const n = 10_007;
    const yTrue = Float64Array.from({ length: n }, (_, i) => i);
    const yPred = Float64Array.from({ length: n }, (_, i) => i + (i % 3) - 1);
    const a = regressionMetrics({ yTrue, yPred });
    const b = regressionMetrics({ yTrue, yPred });
    expect(a.residuals).toHaveLength(MAX_RESIDUAL_POINTS);
    expect(a.residuals).toEqual(b.residuals);
    expect(a.residuals[0]).toEqual({ predicted: -1, residual: 1 });
    for (const p of a.residuals) expect(p.residual).toBe(-((p.predicted + p.residual) % 3) + 1);
    expect(regressionMetrics({ yTrue: yTrue.subarray(0, 5), yPred: yPred.subarray(0, 5) }).residuals).toHaveLength(5);
  });

  it('computes small cases by hand and handles a constant target as sklearn does', () => {
    const e = regressionMetrics({ yTrue: Float64Array.from([1, 2, 3, 4]), yPred: Float64Array.from([1, 2, 3, 6]) });
    expect(e.metrics).toEqual({ rmse: 1, mae: 0.5, r2: 1 - 4 / 5, n: 4 });
    expect(regressionMetrics({ yTrue: Float64Array.from([2, 2]), yPred: Float64Array.from([2, 2]) }).metrics.r2).toBe(1);
    expect(regressionMetrics({ yTrue: Float64Array.from([2, 2]), yPred: Float64Array.from([2, 3]) }).metrics.r2).toBe(0);
  });

  it('rejects mismatched lengths, empty data and non-finite values naming the row', () => {
    expect(() => regressionMetrics({ yTrue: Float64Array.from([1, 2]), yPred: Float64Array.from([1]) })).toThrow(/2 true values but 1 predictions/);
    expect(() => regressionMetrics({ yTrue: new Float64Array(0), yPred: new Float64Array(0) })).toThrow(/0 rows/);
    expect(() => regressionMetrics({ yTrue: Float64Array.from([1, NaN]), yPred: Float64Array.from([1, 1]) })).toThrow(/row 1: the target is NaN/);
  });
});
