import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../test-support/cli.js';
import { inferSchema, openSource } from '../../validation/index.js';
import type { CategoricalProfile } from './categorical-profile.js';
import type { NumericProfile } from './numeric-profile.js';
import type { ProfileBuilder } from './profile-builder.js';
import { specFromSchema } from './profile-spec.js';
import { buildReferenceProfile } from './reference-profile.js';
import { rankError } from './test-data.js';

// Real data: the first 300,000 flights of vega-datasets' flights-3m.parquet (Jan 2001), copied
// by DuckDB into a temp Parquet file; every expected figure is computed here from the same rows.
const FLIGHTS = path.resolve('node_modules/vega-datasets/data/flights-3m.parquet');
const ROWS = 300_000;
const tmp = tempDir('paddock-profiles-');
const file = path.join(tmp.dir, 'flights-300k.parquet');
let profile: ProfileBuilder;
let data: Record<string, readonly unknown[]>;

beforeAll(async () => {
  const source = await openSource(FLIGHTS);
  try {
    await source.query(`COPY (SELECT * FROM data LIMIT ${ROWS}) TO '${file.replace(/'/g, "''")}' (FORMAT parquet)`);
  } finally {
    source.close();
  }
  const copy = await openSource(file);
  try {
    const table = await copy.columns('SELECT CAST(delay AS DOUBLE) AS delay, CAST(distance AS DOUBLE) AS distance, origin, destination FROM data');
    data = Object.fromEntries(table.names.map((n, i) => [n, table.columns[i]!]));
  } finally {
    copy.close();
  }
  profile = await buildReferenceProfile(file);
});
afterAll(() => tmp.cleanup());

/** Two-pass mean and sample variance, and the sorted values. */
function exact(values: readonly unknown[]): { mean: number; variance: number; sorted: Float64Array } {
  const sorted = Float64Array.from(values as number[]).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  const mean = sum / sorted.length;
  let m2 = 0;
  for (const v of sorted) m2 += (v - mean) ** 2;
  return { mean, variance: m2 / (sorted.length - 1), sorted };
}

describe('buildReferenceProfile on flights', () => {
  it('profiles the numeric, string and boolean columns, leaving the timestamp out', () => {
    expect(profile.spec.columns.map((c) => `${c.name}:${c.kind}`)).toEqual(['delay:numeric', 'distance:numeric', 'origin:categorical', 'destination:categorical']);
    expect(profile.rows).toBe(ROWS);
  });

  it('agrees with exact mean, variance and sorted quantiles for delay and distance', () => {
    for (const name of ['delay', 'distance']) {
      const want = exact(data[name]!);
      const col = profile.summary().columns[name]!;
      if (col.kind !== 'numeric') throw new Error(`${name} is numeric`);
      expect(col.count).toBe(ROWS);
      expect(Math.abs(col.mean! - want.mean) / Math.abs(want.mean)).toBeLessThan(1e-12);
      expect(Math.abs(col.std! ** 2 - want.variance) / want.variance).toBeLessThan(1e-12);
      expect([col.min, col.max]).toEqual([want.sorted[0], want.sorted[ROWS - 1]]);
      expect(col.rankError).toBeGreaterThan(0);
      for (const [key, q] of Object.entries({ p01: 0.01, p05: 0.05, p10: 0.1, p25: 0.25, p50: 0.5, p75: 0.75, p90: 0.9, p95: 0.95, p99: 0.99 })) {
        expect(rankError(want.sorted, col.quantiles[key]!, q), `${name} ${key}`).toBeLessThan(col.rankError);
      }
      // A distinct count from 4096 registers: within 5 % of the truth.
      const distinct = new Set(want.sorted).size;
      expect(Math.abs(col.distinct - distinct) / distinct).toBeLessThan(0.05);
    }
  });

  it('fits quantile bin edges on the reference and counts every row into them', () => {
    const distance = profile.column('distance') as NumericProfile;
    const sorted = exact(data.distance!).sorted;
    const edges = Array.from(distance.edges);
    expect(edges.length).toBeGreaterThanOrEqual(9);
    expect(edges[0]).toBe(sorted[0]);
    expect(edges[edges.length - 1]).toBe(sorted[ROWS - 1]);
    const counts = edges.slice(1).map((hi, j) => sorted.filter((v) => v >= edges[j]! && (j === edges.length - 2 ? v <= hi : v < hi)).length);
    expect(Array.from(distance.bins)).toEqual(counts);
    expect(distance.below + distance.above).toBe(0);
    // Quantile edges spread the reference evenly: no bin holds more than twice its share.
    for (const c of counts) expect(c).toBeLessThan((2 * ROWS) / counts.length);
  });

  it('counts the reference top categories exactly', () => {
    const origin = profile.column('origin') as CategoricalProfile;
    const truth = new Map<string, number>();
    for (const v of data.origin!) truth.set(v as string, (truth.get(v as string) ?? 0) + 1);
    const ranked = [...truth].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    expect(origin.categories).toEqual(ranked.slice(0, 100).map((e) => e[0]));
    expect(Array.from(origin.counts)).toEqual(ranked.slice(0, 100).map((e) => e[1]));
    expect(origin.other).toBe(ranked.slice(100).reduce((s, e) => s + e[1], 0));
    const summary = profile.summary().columns.origin!;
    if (summary.kind !== 'categorical') throw new Error('origin is categorical');
    expect(summary.top[0]).toEqual({ value: ranked[0]![0], count: ranked[0]![1], exact: true });
    expect(Math.abs(summary.distinct - truth.size) / truth.size).toBeLessThan(0.05);
  });

  it('takes chosen columns, bins and categories, and names a column it cannot use', async () => {
    const small = await buildReferenceProfile(file, { columns: ['distance', 'origin'], bins: 4, categories: 5 });
    expect(small.spec.columns).toHaveLength(2);
    expect((small.column('distance') as NumericProfile).edges.length).toBe(5);
    expect((small.column('origin') as CategoricalProfile).categories).toHaveLength(5);
    await expect(buildReferenceProfile(file, { columns: ['date'] })).rejects.toThrow(/column 'date' is TIMESTAMP/);
    await expect(buildReferenceProfile(file, { columns: ['delays'] })).rejects.toThrow(/no column 'delays' — did you mean 'delay'/);
    await expect(buildReferenceProfile(file, { bins: 0 })).rejects.toThrow(/bins 0 is out of range/);
  });

  it('takes bins and categories from a validation schema (what packages carry today)', async () => {
    const schema = await inferSchema(file);
    const spec = specFromSchema(schema);
    expect(spec.columns.map((c) => c.name)).toEqual(['delay', 'distance', 'origin', 'destination']);
    const delay = spec.columns[0]!;
    expect(delay.kind === 'numeric' && delay.edges).toEqual(schema.columns.delay!.stats!.histogram!.edges);
  });
});
