// End to end through the built CLI (`npm run build` first, as `npm test` does).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE } from '../core/errors.js';
import { runCli, tempDir } from '../test-support/cli.js';

const tmp = tempDir('paddock-validate-cli-');
afterAll(() => tmp.cleanup());
const { dir } = tmp;
writeFileSync(path.join(dir, 'train.csv'), 'id,score,city\n1,0.5,Berlin\n2,1.5,Paris\n3,2.5,Berlin\n4,3.5,Paris\n');
writeFileSync(path.join(dir, 'drifted.csv'), 'id,score,city\n1,0.5,Berlin\n1,9.5,Rome\n3,,Paris\n');

describe('paddock validate', () => {
  it('infers a schema, then passes the same data with exit 0', async () => {
    const infer = await runCli(dir, ['validate', 'infer', 'train.csv', '-o', 'schema.yaml']);
    expect(infer.stderr).toBe('');
    expect(infer.code).toBe(0);
    expect(readFileSync(path.join(dir, 'schema.yaml'), 'utf8')).toMatch(/city:\n\s+type: VARCHAR/);
    const ok = await runCli(dir, ['validate', 'train.csv', '--schema', 'schema.yaml', '--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ rows: 4, passed: true, anomalies: [] });
  });

  it('fails drifted data with VALIDATION_FAILED, a table, JSON and a self-contained HTML report', async () => {
    const text = await runCli(dir, ['validate', 'drifted.csv', '--schema', 'schema.yaml', '--html', 'report.html']);
    expect(text.code).toBe(ERROR_CATALOGUE.VALIDATION_FAILED.exit);
    expect(text.stdout).toMatch(/error\s+nulls\s+score\s+1/);
    expect(text.stdout).toMatch(/error\s+out_of_range\s+score\s+1/);
    expect(text.stdout).toMatch(/error\s+unseen_category\s+city\s+1/);
    expect(text.stdout).toMatch(/error\s+duplicate_values\s+id\s+2/);
    expect(text.stderr).toContain('drifted.csv');
    const html = readFileSync(path.join(dir, 'report.html'), 'utf8');
    expect(html).toContain('unseen_category');
    expect(html).toContain('Rome');
    expect(html).not.toMatch(/(src|href)=|https?:\/\//);
    const json = await runCli(dir, ['validate', 'drifted.csv', '--schema', 'schema.yaml', '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout).anomalies.map((a: { kind: string }) => a.kind).sort()).toEqual(['duplicate_values', 'nulls', 'out_of_range', 'unseen_category']);
  });

  it('exits 0 when only warnings fail, and 78 on a schema with an unknown key', async () => {
    writeFileSync(path.join(dir, 'warn.yaml'), 'columns:\n  id: {type: BIGINT}\n  score: {type: DOUBLE}\n  city: {type: VARCHAR}\nchecks:\n  - {column: score, between: [0, 1], severity: warning}\n');
    const warn = await runCli(dir, ['validate', 'train.csv', '--schema', 'warn.yaml']);
    expect(warn.code).toBe(0);
    expect(warn.stdout).toMatch(/passed with warnings/);
    writeFileSync(path.join(dir, 'typo.yaml'), 'columns:\n  id: {type: BIGINT}\nchekcs: []\n');
    const typo = await runCli(dir, ['validate', 'train.csv', '--schema', 'typo.yaml']);
    expect(typo.code).toBe(ERROR_CATALOGUE.CONFIG_INVALID.exit);
    expect(typo.stderr).toContain("typo.yaml:3: unknown key 'chekcs'; did you mean 'checks'?");
  });
});
