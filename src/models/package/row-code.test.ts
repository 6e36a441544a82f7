import { describe, expect, it } from 'vitest';
import { isPaddockError } from '../../core/errors.js';
import { checkManifest, type ColumnType, type ModelManifest } from './manifest.js';
import { checkRow, checkRows } from './predict.js';
import type { InputRow } from './preprocess.js';
import { quickRowCheckOf, rowMakerOf, rowReaderOf } from './row-code.js';

function manifestWith(inputs: readonly { name: string; type: ColumnType }[], impute: Record<string, unknown> = {}): ModelManifest {
  return checkManifest({
    name: 'm',
    flavor: 'onnx',
    model: 'model.onnx',
    signature: { inputs, feed: { layout: 'columns' }, outputs: [{ name: 'y', type: 'double' }] },
    ...(Object.keys(impute).length > 0 && { preprocess: { impute } }),
  }, 'test');
}

/** checkRows' rules column by column, without the quick check: the verdict it must agree with. */
function fullCheck(manifest: ModelManifest, row: InputRow): string | undefined {
  try {
    checkRow(manifest, row, 0);
    return undefined;
  } catch (err) {
    return isPaddockError(err) ? err.message : String(err);
  }
}

describe('rowMakerOf', () => {
  it('makes rows of the signature columns, in order, from values at an offset', () => {
    const manifest = manifestWith([{ name: 'b', type: 'double' }, { name: 'a', type: 'string' }, { name: 'c', type: 'int64' }]);
    const make = rowMakerOf(manifest);
    const values = [9, 1.5, 'x', 7, 2.5, 'y', 8];
    expect(make(values, 1)).toEqual({ b: 1.5, a: 'x', c: 7 });
    expect(Object.keys(make(values, 4))).toEqual(['b', 'a', 'c']);
    expect(make(values, 4)).toEqual({ b: 2.5, a: 'y', c: 8 });
    // Rows are separate objects.
    expect(make(values, 1)).not.toBe(make(values, 1));
  });

  it('keeps names that are not identifiers, quotes and backslashes included, as they are', () => {
    const names = ['with space', 'quote"d', "single'", 'back\\slash', 'new\nline', '0', 'ünï', '}); throw 1; ({', 'constructor'];
    const make = rowMakerOf(manifestWith(names.map((name) => ({ name, type: 'double' }))));
    const row = make(names.map((_, j) => j), 0);
    expect(Object.entries(row).sort()).toEqual(names.map((name, j) => [name, j]).sort());
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
  });

  it('gives a `__proto__` column its own property instead of setting the prototype', () => {
    const make = rowMakerOf(manifestWith([{ name: '__proto__', type: 'double' }, { name: 'x', type: 'double' }]));
    const row = make([null, 2], 0);
    expect(Object.hasOwn(row, '__proto__')).toBe(true);
    expect(row['__proto__']).toBe(null);
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
    expect(row['x']).toBe(2);
  });

  it('makes wide rows (past the compiled size) the plain way', () => {
    const names = Array.from({ length: 2100 }, (_, j) => `f${j}`);
    const manifest = manifestWith(names.map((name) => ({ name, type: 'double' })));
    const row = rowMakerOf(manifest)(names.map((_, j) => j * 2), 0);
    expect(Object.keys(row)).toHaveLength(2100);
    expect(row['f2099']).toBe(4198);
    expect(quickRowCheckOf(manifest)).toBeUndefined();
    expect(() => checkRows(manifest, [row])).not.toThrow();
  });
});

describe('quickRowCheckOf', () => {
  const manifest = manifestWith([{ name: 'n', type: 'int64' }, { name: 'd', type: 'double' }, { name: 'f', type: 'float' }, { name: 's', type: 'string' }], { d: { strategy: 'mean', value: 0.5 } });
  const quick = quickRowCheckOf(manifest)!;
  const cases: InputRow[] = [
    { n: 1, d: 2.5, f: -1, s: 'a' },
    { n: 1, d: Number.NaN, f: Number.POSITIVE_INFINITY, s: '' },
    { n: 1.5, d: 2, f: 3, s: 'a' },
    { n: 1n, d: 2, f: 3, s: 'a' },
    { n: true, d: 2, f: 3, s: 'a' },
    { n: 1, d: null, f: 3, s: 'a' },
    { n: 1, d: 2, f: null, s: 'a' },
    { n: 1, d: 2n, f: 3, s: 'a' },
    { n: 1, d: 2, f: '3', s: 'a' },
    { n: 1, d: 2, f: 3, s: 4 },
    { n: 1, d: 2, f: 3 },
    { n: 1, d: 2, f: 3, s: 'a', extra: 'ignored' },
    { n: '1', d: 2, f: 3, s: 'a' },
  ];

  it('accepts only rows checkRows accepts, and the plain ones among them', () => {
    for (const row of cases) {
      const verdict = fullCheck(manifest, row);
      if (quick(row)) expect(verdict, JSON.stringify(row, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))).toBeUndefined();
    }
    expect(cases.filter((row) => quick(row))).toEqual([cases[0], cases[1], cases[11]]);
  });

  it('leaves checkRows its verdicts and messages for every other row', () => {
    for (const row of cases) {
      let message: string | undefined;
      try {
        checkRows(manifest, [row]);
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).toBe(fullCheck(manifest, row));
    }
    expect(fullCheck(manifest, cases[2]!)).toMatch(/column 'n' must be int64/);
    expect(fullCheck(manifest, cases[10]!)).toMatch(/missing column 's'/);
  });
});

describe('rowReaderOf', () => {
  for (const width of [3, 2100]) {
    it(`reads a row's signature values in order, and stops at an absent column (${width} columns${width > 2048 ? ', not compiled' : ''})`, () => {
      const names = Array.from({ length: width }, (_, j) => (j === 1 ? 'a "quoted" name' : `c${j}`));
      const manifest = manifestWith(names.map((name) => ({ name, type: 'double' })));
      const read = rowReaderOf(manifest);
      const make = rowMakerOf(manifest);
      const values = names.map((_, j) => j / 2);
      const row: Record<string, unknown> = { extra: 1, ...make(values, 0) };
      const out = new Array<unknown>(width + 2).fill('x');
      expect(read(row, out, 2)).toBe(true);
      expect(out).toEqual(['x', 'x', ...values]);
      expect(make(out, 2)).toEqual(make(values, 0));
      // Present but undefined is read as such; absent stops the reader.
      expect(read({ ...row, c0: undefined }, out, 0)).toBe(true);
      expect(out[0]).toBeUndefined();
      const { 'a "quoted" name': _absent, ...without } = row;
      expect(read(without, out, 0)).toBe(false);
    });
  }
});

