import { describe, expect, it } from 'vitest';
import { regressionMetrics } from './regression-metrics.js';
import { MISSING_SLICE, OTHER_SLICE, sliceMetrics } from './slices.js';

/** A compute function that records the rows it was given. */
function recorder() {
  const seen: number[][] = [];
  const compute = (rows: Int32Array) => {
    seen.push([...rows]);
    return { first: rows[0] ?? -1 };
  };
  return { seen, compute };
}

describe('sliceMetrics', () => {
  it('groups categories biggest first, with missing values as (missing)', () => {
    const values = ['AA', 'UA', 'AA', null, 'DL', 'AA', undefined, 'UA', '', NaN];
    const { seen, compute } = recorder();
    const slices = sliceMetrics(values, compute);
    expect(slices.map((s) => [s.value, s.n])).toEqual([[MISSING_SLICE, 4], ['AA', 3], ['UA', 2], ['DL', 1]]);
    expect(seen[1]).toEqual([0, 2, 5]);
    expect(slices[1]!.metrics).toEqual({ first: 0 });
    expect(seen[0]).toEqual([3, 6, 8, 9]);
  });

  it('merges the slices beyond maxSlices into (other)', () => {
    const values = ['a', 'a', 'a', 'b', 'b', 'c', 'd', 'e'];
    const { seen, compute } = recorder();
    const slices = sliceMetrics(values, compute, { maxSlices: 3 });
    expect(slices.map((s) => [s.value, s.n])).toEqual([['a', 3], ['b', 2], [OTHER_SLICE, 3]]);
    expect(seen[2]).toEqual([5, 6, 7]);
  });

  it('keeps a numeric column with few distinct values as categories', () => {
    const slices = sliceMetrics([1, 2, 2, 3, 3, 3], recorder().compute);
    expect(slices.map((s) => s.value)).toEqual(['3', '2', '1']);
  });

  it('cuts a numeric column with many distinct values into quartiles labelled by range', () => {
    const values: unknown[] = Array.from({ length: 100 }, (_, i) => i + 1);
    values.push(null);
    const { seen, compute } = recorder();
    const slices = sliceMetrics(values, compute);
    // numpy: quantile([1..100], [.25, .5, .75]) = 25.75, 50.5, 75.25
    expect(slices.map((s) => s.value)).toEqual(['[1, 25.75]', '(25.75, 50.5]', '(50.5, 75.25]', '(75.25, 100]', MISSING_SLICE]);
    expect(slices.map((s) => s.n)).toEqual([25, 25, 25, 25, 1]);
    expect(seen[1]![0]).toBe(25); // value 26 is row 25
    expect(seen[4]).toEqual([100]);
  });

  it('merges repeated quantile edges of a skewed column', () => {
    const values = [...new Array<number>(80).fill(0), ...Array.from({ length: 20 }, (_, i) => i + 1)];
    const slices = sliceMetrics(values, recorder().compute);
    expect(slices.map((s) => [s.value, s.n])).toEqual([['[0, 0]', 80], ['(0, 20]', 20]]);
  });

  it('works with real metric functions', () => {
    const yTrue = Float64Array.from([1, 2, 3, 10, 20, 30]);
    const yPred = Float64Array.from([1, 2, 4, 10, 20, 36]);
    const slices = sliceMetrics(['x', 'x', 'x', 'y', 'y', 'y'], (rows) => {
      const pick = (a: Float64Array) => Float64Array.from(rows, (i) => a[i]!);
      return regressionMetrics({ yTrue: pick(yTrue), yPred: pick(yPred) }).metrics;
    });
    expect(slices.find((s) => s.value === 'x')!.metrics.mae).toBeCloseTo(1 / 3, 12);
    expect(slices.find((s) => s.value === 'y')!.metrics.mae).toBeCloseTo(2, 12);
  });
});
