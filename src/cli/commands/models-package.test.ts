import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeModelPackage } from '../../models/index.js';
import { runCli, tempDir } from '../../test-support/cli.js';

// Reference: torch's own outputs for 20 fixed rows of the exported MLP (scripts/make-reference-models.py).
const FIXTURES = path.resolve(import.meta.dirname, '../../../test/fixtures/models');
const expected = JSON.parse(readFileSync(path.join(FIXTURES, 'torch-mlp.expected.json'), 'utf8')) as {
  input: { rows: number[][] };
  output: { rows: number[][] };
};
const COLS = ['f0', 'f1', 'f2', 'f3', 'f4', 'f5'];

describe('paddock models inspect / predict', () => {
  const tmp = tempDir('paddock-pkg-cli-');
  afterAll(tmp.cleanup);
  beforeAll(async () => {
    await writeModelPackage(path.join(tmp.dir, 'pkg'), {
      name: 'torch-mlp',
      flavor: 'onnx',
      model: 'model.onnx',
      signature: { inputs: COLS.map((name) => ({ name, type: 'float' as const })), feed: { tensor: 'input' }, outputs: [{ name: 'output', type: 'float' }] },
      metrics: { auc: 0.91 },
      lineage: { run_id: 'r123', git_commit: 'deadbeef' },
    }, { 'model.onnx': readFileSync(path.join(FIXTURES, 'torch-mlp.onnx')) });
    const csv = [COLS.join(','), ...expected.input.rows.map((r) => r.join(','))].join('\n') + '\n';
    writeFileSync(path.join(tmp.dir, 'data.csv'), csv);
  });

  it('inspect prints signature, metrics and lineage, and --json the manifest', async () => {
    const text = await runCli(tmp.dir, ['models', 'inspect', 'pkg']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('torch-mlp (onnx');
    expect(text.stdout).toContain('f5: float');
    expect(text.stdout).toContain('auc: 0.91');
    expect(text.stdout).toContain('run_id: r123');
    const json = await runCli(tmp.dir, ['models', 'inspect', 'pkg', '--json']);
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout) as { manifest: { signature: { outputs: unknown[] }; lineage: { git_commit: string } } };
    expect(parsed.manifest.signature.outputs).toEqual([{ name: 'output', type: 'float' }]);
    expect(parsed.manifest.lineage.git_commit).toBe('deadbeef');
  });

  it('predict reads a CSV through DuckDB and writes torch-matching predictions', async () => {
    const r = await runCli(tmp.dir, ['models', 'predict', 'pkg', 'data.csv', '-o', 'preds.csv']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = readFileSync(path.join(tmp.dir, 'preds.csv'), 'utf8').trim().split('\n');
    expect(lines[0]).toBe('output');
    expect(lines.slice(1).map(Number).map((v, i) => Math.abs(v - expected.output.rows[i]![0]!))).toSatisfy((d: number[]) => d.length === 20 && d.every((x) => x < 1e-5));
  });

  it('predict names a missing column and writes nothing', async () => {
    writeFileSync(path.join(tmp.dir, 'short.csv'), 'f0,f1,f2,f3,f4\n1,2,3,4,5\n');
    const r = await runCli(tmp.dir, ['models', 'predict', 'pkg', 'short.csv', '-o', 'bad.csv']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("missing column 'f5'");
    expect(() => readFileSync(path.join(tmp.dir, 'bad.csv'))).toThrow();
  });
});
