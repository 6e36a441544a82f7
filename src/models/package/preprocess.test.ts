import { describe, expect, it } from 'vitest';
import { compilePreprocess, encodeRows, encodeValue, preprocess, type InputRow, type PreprocessPlan } from './preprocess.js';
import { prng } from '../../test-support/prng.js';

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

  describe('encodeRows (generated per plan)', () => {
    const spec = {
      columns: ['k', 'color', 'x', 'plain', 'weird "name"'],
      impute: { x: { strategy: 'mean' as const, value: 0.25 }, color: { strategy: 'constant' as const, value: 'blue' }, plain: { strategy: 'constant' as const, value: 7 } },
      scale: { x: { mean: 1.5, std: 3.25 }, k: { mean: -2, std: 0.1 } },
      one_hot: { color: ['red', 'blue', 'teal'] },
    };
    const plan = compilePreprocess(spec, spec.columns);

    /** encodeRows as it was: encodeValue per column, the names looked up one by one. */
    function reference(p: PreprocessPlan, rows: readonly InputRow[], out: Float32Array | Float64Array): void {
      for (let r = 0; r < rows.length; r++) for (const enc of p.encoders) encodeValue(enc, rows[r]![enc.column], r, out, r * p.width);
    }

    it('writes what encodeValue writes, value for value, in float64 and float32', () => {
      const rnd = prng(5);
      const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
      const rows: InputRow[] = Array.from({ length: 400 }, () => ({
        k: pick([rnd() * 10 - 5, 3, 2n, true, false, -0]),
        color: pick(['red', 'blue', 'teal', 'green', null, undefined, 3]),
        x: pick([rnd() * 1e6, -rnd(), 0, null, Number.NaN, 1n]),
        plain: pick([rnd(), 1e-300, -0, null]),
        'weird "name"': pick([rnd() * 100, 42]),
      }));
      for (const make of [(n: number) => new Float64Array(n), (n: number) => new Float32Array(n)]) {
        const got = make(rows.length * plan.width);
        const want = make(rows.length * plan.width);
        encodeRows(plan, rows, got);
        reference(plan, rows, want);
        expect([...got]).toEqual([...want]);
      }
    });

    it('fails as encodeValue fails, naming the row and column', () => {
      const message = (encode: () => void): string => {
        try {
          encode();
          return 'no error';
        } catch (err) {
          return (err as Error).message;
        }
      };
      for (const bad of [{ k: 'seven' }, { k: Number.POSITIVE_INFINITY }, { 'weird "name"': null }]) {
        const rows: InputRow[] = [{ k: 1, color: 'red', x: 1, plain: 1, 'weird "name"': 1 }, { k: 1, color: 'red', x: 1, plain: 1, 'weird "name"': 1, ...bad }];
        const want = message(() => reference(plan, rows, new Float64Array(2 * plan.width)));
        expect(want).toMatch(/^row 2: column '(k|weird "name")'/);
        expect(message(() => encodeRows(plan, rows, new Float64Array(2 * plan.width)))).toBe(want);
      }
    });
  });
});

