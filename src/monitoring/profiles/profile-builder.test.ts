import { describe, expect, it } from 'vitest';
import { isPaddockError } from '../../core/errors.js';
import { CategoricalProfile } from './categorical-profile.js';
import { NumericProfile } from './numeric-profile.js';
import { ProfileBuilder } from './profile-builder.js';
import { profileSpec, type ProfileSpec } from './profile-spec.js';
import { normals, randomWindows, rankError, seeded, shuffled } from './test-data.js';

// A generated table: a skewed numeric column with nulls, NaN and infinities, a plain normal
// column, and a categorical column with reference categories, newcomers and nulls.
const N = 400_000;
const random = seeded(21);
const x = normals(N, 1).map((v) => Math.exp(v) * 100 + 3);
const xMissing = new Uint8Array(N);
for (let i = 0; i < N; i++) {
  const r = random();
  if (r < 0.02) xMissing[i] = 1;
  else if (r < 0.025) x[i] = NaN;
  else if (r < 0.026) x[i] = r < 0.0255 ? Infinity : -Infinity;
}
const y = normals(N, 2).map((v) => 1e6 + v); // a large mean: the moments must not cancel
const CITIES = ['Berlin', 'Paris', 'Rome', 'Oslo', 'Lima'];
const city: (string | null)[] = Array.from({ length: N }, () => {
  const r = random();
  return r < 0.03 ? null : r < 0.8 ? CITIES[Math.floor(random() * CITIES.length)]! : `town${Math.floor(random() * 5000)}`;
});

const SPEC: ProfileSpec = profileSpec([
  { name: 'x', kind: 'numeric', edges: [0, 50, 100, 200, 400, 1000] },
  { name: 'y', kind: 'numeric', edges: [] },
  { name: 'city', kind: 'categorical', categories: CITIES.slice(0, 4) },
]);

function build(from: number, to: number): ProfileBuilder {
  const b = new ProfileBuilder(SPEC);
  // Batches of uneven size within the window, as a prediction log would deliver them.
  for (let at = from; at < to; ) {
    const end = Math.min(to, at + 1 + Math.floor(random() * 50_000));
    b.ingest({ x: { values: x.subarray(at, end), missing: xMissing.subarray(at, end) }, y: y.subarray(at, end), city: city.slice(at, end) });
    at = end;
  }
  return b;
}

const numeric = (b: ProfileBuilder, name: string) => b.column(name) as NumericProfile;
const categorical = (b: ProfileBuilder, name: string) => b.column(name) as CategoricalProfile;
const relative = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

function expectSameExactStatistics(merged: ProfileBuilder, whole: ProfileBuilder): void {
  expect(merged.rows).toBe(whole.rows);
  for (const name of ['x', 'y']) {
    const [m, w] = [numeric(merged, name), numeric(whole, name)];
    for (const key of ['count', 'nulls', 'nan', 'infinite', 'valid', 'min', 'max', 'below', 'above'] as const) expect(m[key]).toBe(w[key]);
    expect(relative(m.mean, w.mean)).toBeLessThan(1e-12);
    expect(relative(m.m2, w.m2)).toBeLessThan(1e-12);
    expect(m.bins).toEqual(w.bins);
    expect(m.hll.registers).toEqual(w.hll.registers);
    expect(m.kll.n).toBe(w.kll.n);
  }
  const [m, w] = [categorical(merged, 'city'), categorical(whole, 'city')];
  for (const key of ['count', 'nulls', 'other'] as const) expect(m[key]).toBe(w[key]);
  expect(m.counts).toEqual(w.counts);
  expect(m.hll.registers).toEqual(w.hll.registers);
  expect(m.heavy.n).toBe(w.heavy.n);
}

describe('ProfileBuilder', () => {
  const whole = build(0, N);

  it('computes the statistics a direct computation gives, nulls, NaN and infinities apart', () => {
    const finite: number[] = [];
    let [nulls, nan, inf] = [0, 0, 0];
    for (let i = 0; i < N; i++) {
      if (xMissing[i]) nulls++;
      else if (Number.isNaN(x[i])) nan++;
      else if (!Number.isFinite(x[i]!)) inf++;
      else finite.push(x[i]!);
    }
    const mean = finite.reduce((s, v) => s + v, 0) / finite.length;
    const variance = finite.reduce((s, v) => s + (v - mean) ** 2, 0) / (finite.length - 1);
    const s = whole.summary().columns.x!;
    if (s.kind !== 'numeric') throw new Error('x is numeric');
    expect([s.count, s.nulls, s.nan, s.infinite]).toEqual([N, nulls, nan, inf]);
    expect(relative(s.mean!, mean)).toBeLessThan(1e-12);
    expect(relative(s.std! ** 2, variance)).toBeLessThan(1e-10);
    expect([s.min, s.max]).toEqual([-Infinity, Infinity]);
    // Histogram: bins [e_i, e_i+1), the last closed; infinities fall below and above.
    const edges = [0, 50, 100, 200, 400, 1000];
    const expected = edges.slice(1).map((hi, j) => finite.filter((v) => v >= edges[j]! && (j === edges.length - 2 ? v <= hi : v < hi)).length);
    expect(s.histogram.counts).toEqual(expected);
    expect(s.histogram.above).toBe(finite.filter((v) => v > 1000).length + x.filter((v) => v === Infinity).length);
    expect(s.histogram.below).toBe(x.filter((v) => v === -Infinity).length);
    const sorted = Float64Array.from(finite).sort();
    for (const [name, q] of [['p01', 0.01], ['p50', 0.5], ['p99', 0.99]] as const) expect(rankError(sorted, s.quantiles[name]!, q)).toBeLessThan(s.rankError);
    expect(Math.abs(s.distinct - new Set(finite).size) / finite.length).toBeLessThan(0.05);

    const c = whole.summary().columns.city!;
    if (c.kind !== 'categorical') throw new Error('city is categorical');
    expect(c.nulls).toBe(city.filter((v) => v === null).length);
    for (const name of CITIES.slice(0, 4)) expect(c.top.find((t) => t.value === name)).toEqual({ value: name, count: city.filter((v) => v === name).length, exact: true });
    // Lima is not a reference category: found as a heavy hitter, its count a lower bound.
    const lima = c.top.find((t) => t.value === 'Lima')!;
    const limaCount = city.filter((v) => v === 'Lima').length;
    expect(lima.exact).toBe(false);
    expect(lima.count).toBeLessThanOrEqual(limaCount);
    expect(limaCount - lima.count).toBeLessThanOrEqual(c.maxError);
    expect(c.other + c.top.reduce((sum, t) => sum + t.count, 0)).toBe(N - c.nulls);
    expect(categorical(whole, 'city').frequencies().other).toBe(city.filter((v) => v !== null && !CITIES.slice(0, 4).includes(v)).length);
  });

  it('merges windows exactly, in any order and through JSON', () => {
    const windows = randomWindows(N, 10, 77).map(([a, b]) => build(a, b));
    const orders = [windows.map((_, i) => i), windows.map((_, i) => windows.length - 1 - i), shuffled(windows.length, 3)];
    for (const order of orders) {
      const merged = new ProfileBuilder(SPEC);
      for (const i of order) merged.mergeFrom(ProfileBuilder.fromJSON(JSON.stringify(windows[i]!.toJSON())));
      expectSameExactStatistics(merged, whole);
      const xs = merged.summary().columns.x!;
      const sorted = Float64Array.from(x.filter((v, i) => !xMissing[i] && Number.isFinite(v))).sort();
      if (xs.kind === 'numeric') for (const [name, q] of Object.entries({ p05: 0.05, p25: 0.25, p75: 0.75, p95: 0.95 })) expect(rankError(sorted, xs.quantiles[name]!, q)).toBeLessThan(xs.rankError);
    }
    // The static merge leaves its inputs alone.
    const before = JSON.stringify(windows[0]!.toJSON());
    const pair = ProfileBuilder.merge(windows[0]!, windows[1]!);
    expect(JSON.stringify(windows[0]!.toJSON())).toBe(before);
    expect(pair.rows).toBe(windows[0]!.rows + windows[1]!.rows);
  });

  it('round-trips through JSON unchanged and keeps ingesting the same way', () => {
    const text = JSON.stringify(whole.toJSON());
    const back = ProfileBuilder.fromJSON(JSON.parse(text));
    expect(JSON.stringify(back.toJSON())).toBe(text);
    expect(back.summary()).toEqual(whole.summary());
    const more = { x: Float64Array.of(1, 2, NaN), y: [1, null, 3], city: ['Rome', 'Quito', undefined] };
    const a = ProfileBuilder.fromJSON(text);
    a.ingest(more);
    back.ingest(more);
    expect(back.toJSON()).toEqual(a.toJSON());
  });

  it('takes plain arrays and rows: null/undefined are nulls, booleans and bigints numbers, other values NaN', () => {
    const b = new ProfileBuilder(profileSpec([{ name: 'n', kind: 'numeric', edges: [0, 1] }, { name: 'c', kind: 'categorical', categories: ['1', 'true'] }]));
    b.ingestRows([{ n: 1, c: 1 }, { n: null, c: true }, { n: true, c: null }, { n: 2n, c: 'x' }, { n: 'oops' }, {}]);
    const n = numeric(b, 'n');
    expect([n.count, n.nulls, n.nan, n.valid, n.min, n.max, n.mean]).toEqual([6, 2, 1, 3, 1, 2, 4 / 3]);
    expect(Array.from(n.bins)).toEqual([2]);
    expect(n.above).toBe(1);
    const c = categorical(b, 'c');
    expect([c.count, c.nulls, c.other, ...c.counts]).toEqual([6, 3, 1, 1, 1]);
    // A column absent from a batch counts as null in every row.
    b.ingest({ n: [5, 6] });
    expect([c.count, c.nulls]).toEqual([8, 5]);
    const empty = new ProfileBuilder(SPEC).summary().columns.x!;
    expect(empty).toMatchObject({ count: 0, mean: null, std: null, min: null, max: null, quantiles: {} });
  });

  it('refuses mismatched batches, specs that differ and damaged JSON, naming what is wrong', () => {
    const b = new ProfileBuilder(SPEC);
    expect(() => b.ingest({ x: new Float64Array(3), y: new Float64Array(2) })).toThrow(/column 'y' has 2 values, the batch 3 rows/);
    expect(() => b.ingest({ other: [1] })).toThrow(/none of the profiled columns/);
    const other = new ProfileBuilder(profileSpec([...SPEC.columns.slice(0, 2), { name: 'city', kind: 'categorical', categories: ['Rome'] }]));
    expect(() => b.mergeFrom(other)).toThrow(/column 'city' has different categories/);
    expect(() => b.mergeFrom(new ProfileBuilder(profileSpec(SPEC.columns, { kllK: 100 })))).toThrow(/kllK is 200 in one and 100/);
    expect(() => profileSpec([{ name: 'x', kind: 'numeric', edges: [1, 1] }])).toThrow(/edge 1 \(1\) must be finite and greater/);
    const json = whole.toJSON();
    const broken = { ...json, columns: json.columns.map((c) => (c.kind === 'numeric' ? { ...c, bins: [1] } : c)) };
    try {
      ProfileBuilder.fromJSON(broken, 'window 3');
      expect.unreachable();
    } catch (err) {
      expect(isPaddockError(err, 'INVALID_ARGUMENT')).toBe(true);
      expect(String(err)).toMatch(/window 3: columns\.0\.bins: bins must have one count fewer than edges/);
    }
    expect(() => ProfileBuilder.fromJSON({ ...json, version: 2 })).toThrow(/version/);
    expect(() => ProfileBuilder.fromJSON('{not json')).toThrow(/not JSON/);
  });

  it('stays under 32 KiB per column serialized after 10 million values, whatever the cardinality', () => {
    const spec = profileSpec([
      { name: 'v', kind: 'numeric', edges: [-2, -1, 0, 1, 2] },
      { name: 'id', kind: 'categorical', categories: ['a', 'b'] },
    ]);
    const b = new ProfileBuilder(spec);
    const batch = 1_000_000;
    const sizes: number[] = [];
    for (let part = 0; part < 10; part++) {
      const values = normals(batch, 1000 + part);
      // Every value of `id` is new: the worst case for a categorical column.
      const ids = Array.from({ length: batch }, (_, i) => `user-${part * batch + i}`);
      b.ingest({ v: values, id: ids });
      sizes.push(JSON.stringify(b.toJSON()).length);
    }
    expect(b.rows).toBe(10_000_000);
    const perColumn = sizes[9]! / 2;
    expect(perColumn).toBeLessThan(32 * 1024);
    // Bounded, not merely small: the last 9 million rows grew the profile by a few percent at most.
    expect(sizes[9]! / sizes[0]!).toBeLessThan(1.1);
    const id = categorical(b, 'id');
    expect(id.heavy.top().length).toBeLessThanOrEqual(spec.options.heavyHitters);
    expect(Math.abs(id.hll.estimate() - 10_000_000) / 10_000_000).toBeLessThan(0.05);
  });
});
