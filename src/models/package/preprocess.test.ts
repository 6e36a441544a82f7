import { describe, expect, it } from 'vitest';
import { preprocess } from './preprocess.js';

describe('preprocess', () => {
  it('orders columns, imputes, one-hot encodes and scales with the stored values', () => {
    const spec = {
      columns: ['color', 'x'],
      impute: { x: { strategy: 'mean' as const, value: 4 }, color: { strategy: 'constant' as const, value: 'red' } },
      scale: { x: { mean: 2, std: 4 } },
      one_hot: { color: ['red', 'blue'] },
    };
    const m = preprocess([{ x: 10, color: 'blue' }, { x: null, color: null }, { x: 2, color: 'green' }], spec, ['x', 'color']);
    expect(m.features).toEqual(['color=red', 'color=blue', 'x']);
    // Hand-computed: (10-2)/4 = 2; imputed 4 → 0.5, red; unknown 'green' → all zeros, (2-2)/4 = 0.
    expect([...m.data]).toEqual([0, 1, 2, 1, 0, 0.5, 0, 0, 0]);
  });

  it('names the row and column of a missing value without imputation', () => {
    expect(() => preprocess([{ a: 1 }, { a: null }], undefined, ['a'])).toThrow("row 2: column 'a' has no value");
  });
});
