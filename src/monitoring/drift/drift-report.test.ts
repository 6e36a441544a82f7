// The drift report's choices (Evidently's default tests, thresholds, dataset verdict) and its
// errors, over samples in memory and over real data files read through DuckDB.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { caught } from '../../test-support/caught.js';
import { tempDir } from '../../test-support/cli.js';
import { defaultStatTest } from './default-stattest.js';
import { driftBetweenFiles } from './drift-between-files.js';
import { columnDrift, driftReport } from './drift-report.js';
import { countValues } from './frequencies.js';
import { renderDriftHtml } from './report-html.js';
import { categoricalSample, numericSample, type DriftSample } from './sample.js';

const range = <T = number>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));
const num = (values: number[]): DriftSample => numericSample(values);
const cat = (values: unknown[]): DriftSample => categoricalSample(countValues(values));

describe("Evidently's default test selection", () => {
  it('numeric, reference ≤ 1000: KS above 5 distinct values, chi-squared for 3–5, Z for 2', () => {
    expect(defaultStatTest(num(range(1000, (i) => i % 7)), num(range(50, (i) => i % 7)))).toBe('ks');
    expect(defaultStatTest(num(range(1000, (i) => i % 5)), num(range(50, (i) => i % 5)))).toBe('chisquare');
    expect(defaultStatTest(num(range(1000, (i) => i % 2)), num(range(50, (i) => i % 2)))).toBe('z');
  });
  it('numeric, reference > 1000: Wasserstein above 5 distinct values, Jensen–Shannon otherwise', () => {
    expect(defaultStatTest(num(range(1001, (i) => i % 6)), num(range(50, (i) => i % 6)))).toBe('wasserstein');
    expect(defaultStatTest(num(range(1001, (i) => i % 5)), num(range(50, (i) => i % 5)))).toBe('jensenshannon');
  });
  it('distinct values are counted over both samples', () => {
    expect(defaultStatTest(num(range(100, (i) => i % 5)), num(range(50, (i) => 5 + (i % 2))))).toBe('ks');
  });
  it('categorical: chi-squared or Z up to 1000 reference rows, Jensen–Shannon above', () => {
    expect(defaultStatTest(cat(range(300, (i) => i % 3)), cat(['0']))).toBe('chisquare');
    expect(defaultStatTest(cat(range(300, (i) => i % 2)), cat(['0']))).toBe('z');
    expect(defaultStatTest(cat(range(3000, (i) => i % 2)), cat(['0']))).toBe('jensenshannon');
  });
});

describe('driftReport', () => {
  const reference = new Map<string, DriftSample>([
    ['a', num(range(2000, (i) => (i * 7919) % 1000))],
    ['b', num(range(2000, (i) => (i * 104729) % 997))],
    ['c', cat(range(2000, (i) => ['x', 'y', 'z'][i % 3]))],
  ]);
  const current = new Map<string, DriftSample>([
    ['a', num(range(1500, (i) => ((i * 7919) % 1000) + 300))],
    ['b', num(range(1500, (i) => (i * 104729) % 997))],
    ['c', cat(range(1500, (i) => ['x', 'y', 'z'][i % 3]))],
  ]);

  it('scores each column with its default test and calls dataset drift at a share of 0.5', () => {
    const report = driftReport(reference, current);
    expect(report.columns.map((c) => [c.column, c.test, c.drifted])).toEqual([
      ['a', 'wasserstein', true],
      ['b', 'wasserstein', false],
      ['c', 'jensenshannon', false],
    ]);
    expect(report.columns[0]!.score).toBeGreaterThan(0.8);
    expect(report.share).toBeCloseTo(1 / 3);
    expect(report.datasetDrift).toBe(false);
    expect(driftReport(reference, current, { driftShare: 0.3 }).datasetDrift).toBe(true);
  });

  it('takes per-column tests and thresholds', () => {
    const report = driftReport(reference, current, { columns: ['a', 'b'], tests: { a: 'ks', b: 'psi' }, thresholds: { a: 1e-40 } });
    expect(report.columns.map((c) => [c.test, c.threshold])).toEqual([
      ['ks', 1e-40],
      ['psi', 0.1],
    ]);
    expect(report.columns[0]!.pValue).toBeLessThan(1e-60);
    expect(report.columns[0]!.drifted).toBe(true);
    expect(report.columns[1]!.drifted).toBe(false);
  });

  it('refuses a numeric test on a categorical column and a column whose kinds differ', async () => {
    expect((await caught(async () => columnDrift('c', reference.get('c')!, current.get('c')!, { tests: { c: 'ks' } }))).message).toMatch(/column 'c' is categorical: the 'ks' test needs numbers/);
    expect((await caught(async () => columnDrift('a', reference.get('a')!, current.get('c')!))).message).toMatch(/column 'a' is numeric in the reference but categorical/);
  });

  it('renders a self-contained HTML page with one chart per column', () => {
    const html = renderDriftHtml(driftReport(reference, current));
    expect(html.match(/<svg /g)).toHaveLength(3);
    expect(html).toContain('1 of 3 columns drifted');
    expect(html).not.toMatch(/https?:\/\/|<script|<link/);
  });
});

describe('driftBetweenFiles', () => {
  const tmp = tempDir('paddock-drift-files-');
  afterAll(() => tmp.cleanup());
  const ref = path.join(tmp.dir, 'ref.csv');
  const cur = path.join(tmp.dir, 'cur.jsonl');
  const bad = path.join(tmp.dir, 'bad.csv');
  writeFileSync(ref, `x,city,flag,day\n${range(60, (i) => i).map((i) => `${i % 17},${['Berlin', 'Paris', 'Rome'][i % 3]},${i % 2 === 0},2024-01-${String((i % 28) + 1).padStart(2, '0')}`).join('\n')}\n`);
  writeFileSync(cur, range(40, (i) => JSON.stringify({ x: (i % 17) + 10, city: ['Berlin', 'Paris', 'Oslo'][i % 3], flag: i % 3 === 0, day: '2024-02-01' })).join('\n'));
  writeFileSync(bad, 'x,city\nnot-a-number,1\n');

  it('reads CSV and JSON lines, skips date columns, and reports drift', async () => {
    const report = await driftBetweenFiles(ref, cur);
    expect(report.reference.rows).toBe(60);
    expect(report.columns.map((c) => [c.column, c.kind, c.test])).toEqual([
      ['x', 'numeric', 'ks'],
      ['city', 'categorical', 'chisquare'],
      ['flag', 'categorical', 'z'],
    ]);
    expect(report.skipped.map((s) => s.column)).toEqual(['day']);
    expect(report.columns.find((c) => c.column === 'city')!.pValue).toBe(0);
    expect(report.datasetDrift).toBe(true);
  });

  it('names the file and column when a column is missing, and both types when they differ', async () => {
    expect((await caught(() => driftBetweenFiles(ref, cur, { columns: ['cty'] }))).message).toMatch(/ref\.csv: no column 'cty' — did you mean 'city'\?/);
    expect((await caught(() => driftBetweenFiles(ref, bad, { columns: ['x'] }))).message).toMatch(/column 'x' is BIGINT in .*ref\.csv but VARCHAR in .*bad\.csv/);
    expect((await caught(() => driftBetweenFiles(ref, cur, { columns: ['day'] }))).message).toMatch(/column 'day': DATE columns are not compared/);
    const missing = await caught(() => driftBetweenFiles(ref, path.join(tmp.dir, 'nope.csv')));
    expect(missing.code).toBe('PATH_NOT_FOUND');
    expect(missing.message).toContain('nope.csv');
  });
});
