// `paddock drift` end to end through the built CLI (`npm run build` first): text and JSON output,
// HTML, --fail-on-drift's exit code, and errors that name the file and column.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE } from '../../core/errors.js';
import { runCli, tempDir } from '../../test-support/cli.js';

const tmp = tempDir('paddock-drift-cli-');
const { dir } = tmp;
afterAll(() => tmp.cleanup());
const rows = (n: number, f: (i: number) => string): string => Array.from({ length: n }, (_, i) => f(i)).join('\n');

beforeAll(async () => {
  writeFileSync(path.join(dir, 'train.csv'), `amount,city,member\n${rows(120, (i) => `${(i * 37) % 100},${['Berlin', 'Paris', 'Rome'][i % 3]},${i % 4 === 0}`)}\n`);
  writeFileSync(path.join(dir, 'same.csv'), `amount,city,member\n${rows(90, (i) => `${(i * 41) % 100},${['Berlin', 'Paris', 'Rome'][i % 3]},${i % 4 === 1}`)}\n`);
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  const drifted = path.join(dir, 'drifted.parquet').replace(/'/g, "''");
  await conn.run(`COPY (SELECT (i * 37) % 100 + 40 AS amount, ['Berlin', 'Oslo', 'Rome'][i % 3 + 1] AS city, i % 2 = 0 AS member FROM range(100) t(i)) TO '${drifted}' (FORMAT parquet)`);
  conn.closeSync();
  instance.closeSync();
});

describe('paddock drift', () => {
  it('prints a table per column and no dataset drift for similar data, exit 0', async () => {
    const r = await runCli(dir, ['drift', 'train.csv', 'same.csv']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^column\s+type\s+test\s+score\s+threshold\s+drifted$/m);
    expect(r.stdout).toMatch(/^amount\s+numeric\s+ks\s+[\d.e-]+\s+0\.05\s+no drift$/m);
    expect(r.stdout).toMatch(/^city\s+categorical\s+chisquare\s+1\s+0\.05\s+no drift$/m);
    expect(r.stdout).toMatch(/^member\s+categorical\s+z\s+/m);
    expect(r.stdout).toMatch(/no dataset drift: 0 of 3 columns drifted/);
  });

  it('reports drift against a Parquet file as JSON and HTML; exit 0 without --fail-on-drift', async () => {
    const r = await runCli(dir, ['drift', 'train.csv', 'drifted.parquet', '--json', '--html', 'report.html', '--stattest', 'amount=wasserstein', '--threshold', 'member=0.01']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ datasetDrift: true, driftedColumns: 3, driftShare: 0.5, reference: { file: 'train.csv', rows: 120 }, current: { file: 'drifted.parquet', rows: 100 } });
    expect(report.columns.map((c: { column: string; test: string; threshold: number }) => [c.column, c.test, c.threshold])).toEqual([
      ['amount', 'wasserstein', 0.1],
      ['city', 'chisquare', 0.05],
      ['member', 'z', 0.01],
    ]);
    const html = readFileSync(path.join(dir, 'report.html'), 'utf8');
    expect(html).toContain('Dataset drift detected');
    expect(html.match(/<svg /g)).toHaveLength(3);
    expect(html).not.toMatch(/https?:\/\//);
  });

  it('--fail-on-drift exits with DRIFT_DETECTED when the dataset drifted', async () => {
    const r = await runCli(dir, ['drift', 'train.csv', 'drifted.parquet', '--fail-on-drift', '--columns', 'amount,city']);
    expect(r.code).toBe(ERROR_CATALOGUE.DRIFT_DETECTED.exit);
    expect(r.stdout).toMatch(/dataset drift: 2 of 2 columns drifted/);
    expect(r.stderr).toMatch(/DRIFT_DETECTED|drifted\.parquet: 2 of 2 columns drifted/);
    const ok = await runCli(dir, ['drift', 'train.csv', 'same.csv', '--fail-on-drift']);
    expect(ok.code).toBe(0);
  });

  it('names the file and column on bad input', async () => {
    const unknown = await runCli(dir, ['drift', 'train.csv', 'same.csv', '--columns', 'amout']);
    expect(unknown.code).toBe(ERROR_CATALOGUE.INVALID_ARGUMENT.exit);
    expect(unknown.stderr).toMatch(/train\.csv: no column 'amout' — did you mean 'amount'\?/);
    const missing = await runCli(dir, ['drift', 'train.csv', 'nope.csv']);
    expect(missing.code).toBe(ERROR_CATALOGUE.PATH_NOT_FOUND.exit);
    expect(missing.stderr).toContain('nope.csv');
    const test = await runCli(dir, ['drift', 'train.csv', 'same.csv', '--stattest', 'city=ks']);
    expect(test.stderr).toMatch(/column 'city' is categorical: the 'ks' test needs numbers/);
    const name = await runCli(dir, ['drift', 'train.csv', 'same.csv', '--stattest', 'city=t-test']);
    expect(name.stderr).toMatch(/unknown drift test 't-test'/);
  });
});
