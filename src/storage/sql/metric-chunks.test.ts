import { describe, expect, it } from 'vitest';
import { downsampleMinMax } from './downsample.js';
import { likeToGlob } from './filter-sql.js';
import { concatSeries, decodeChunk, encodeChunk, sortSeries } from './metric-chunks.js';

const cols = (steps: number[], values: number[]) => ({
  steps: Float64Array.from(steps), timestamps: Float64Array.from(steps, (s) => 1_700_000_000_000 + s), values: Float64Array.from(values),
});

describe('metric chunks', () => {
  it('round-trips float64 columns with NaN, ±Infinity, -0 and 2^53 exactly', () => {
    const s = { ...cols([0, 1, 2, 3, 2 ** 53], [Number.NaN, Infinity, -Infinity, -0, 1e-300]), timestamps: Float64Array.from([5, 6, 7, 8, 9]) };
    const bytes = encodeChunk(s);
    // Steps span 2^53: stored as float64; timestamps fit base + int32 offsets.
    expect(bytes.byteLength).toBe(8 + 5 * 8 + (8 + 5 * 4) + 5 * 8);
    const back = decodeChunk(bytes, 5);
    expect(Array.from(back.values)).toEqual([Number.NaN, Infinity, -Infinity, -0, 1e-300]);
    expect(Object.is(back.values[3], -0)).toBe(true);
    expect(back.steps[4]).toBe(2 ** 53);
    expect(() => decodeChunk(bytes.subarray(1), 5)).toThrow();
  });

  it('still reads the header-less layout of three raw float64 columns', () => {
    const raw = new Float64Array([0, 1, 1e12, 1e12 + 1, Number.NaN, 2.5]);
    const back = decodeChunk(new Uint8Array(raw.buffer), 2);
    expect(Array.from(back.steps)).toEqual([0, 1]);
    expect(Array.from(back.values)).toEqual([Number.NaN, 2.5]);
  });

  it('stores a regular series in 16 bytes a point', () => {
    const n = 1000;
    const s = cols(Array.from({ length: n }, (_, i) => i * 3), Array.from({ length: n }, Math.random));
    const bytes = encodeChunk(s);
    expect(bytes.byteLength).toBe(8 + 2 * (8 + 4 * n) + 8 * n);
    const back = decodeChunk(bytes, n);
    expect(back.steps).toEqual(s.steps);
    expect(back.timestamps).toEqual(s.timestamps);
    expect(back.values).toEqual(s.values);
  });

  it('encodes a slice and decodes from an unaligned buffer', () => {
    const s = cols([0, 1, 2, 3], [10, 11, 12, 13]);
    const padded = Buffer.concat([Buffer.from([1]), encodeChunk(s, 1, 3)]).subarray(1);
    expect(Array.from(decodeChunk(padded, 2).values)).toEqual([11, 12]);
  });

  it('sorts by step then timestamp, keeping arrival order among equal points', () => {
    const s = concatSeries([cols([0, 2, 4], [0, 2, 4]), cols([1, 2], [1, 2.5])]);
    const sorted = sortSeries(s);
    expect(Array.from(sorted.steps)).toEqual([0, 1, 2, 2, 4]);
    expect(Array.from(sorted.values)).toEqual([0, 1, 2, 2.5, 4]);
  });
});

describe('downsampleMinMax', () => {
  it('keeps the ends and each bucket\'s extremes within maxPoints', () => {
    const n = 100_000;
    const values = Array.from({ length: n }, (_, i) => (i % 7) - 3);
    values[12_345] = 1000;
    values[67_890] = -1000;
    const out = downsampleMinMax(cols(Array.from({ length: n }, (_, i) => i), values), 500);
    expect(out.steps.length).toBeLessThanOrEqual(500);
    expect(out.steps[0]).toBe(0);
    expect(out.steps.at(-1)).toBe(n - 1);
    expect(Array.from(out.values)).toEqual(expect.arrayContaining([1000, -1000]));
    expect(Array.from(out.steps)).toEqual([...out.steps].sort((a, b) => a - b));
  });

  it('returns short series unchanged', () => {
    const s = cols([0, 1, 2], [1, 2, 3]);
    expect(downsampleMinMax(s, 10)).toBe(s);
  });
});

describe('likeToGlob', () => {
  it('maps LIKE wildcards and makes GLOB specials literal', () => {
    expect(likeToGlob('ml%')).toBe('ml*');
    expect(likeToGlob('a_c')).toBe('a?c');
    expect(likeToGlob('x*y?[z]')).toBe('x[*]y[?][[]z]');
  });
});
