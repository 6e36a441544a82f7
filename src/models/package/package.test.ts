import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../test-support/cli.js';
import { MANIFEST_FILE, predict, readModelPackage, writeModelPackage, type ModelManifestInput } from '../index.js';
import { caught } from '../../test-support/caught.js';

// Reference: a PyTorch MLP exported with torch.onnx and torch's own outputs for 20 rows
// (scripts/make-reference-models.py). Expected values come from that file, not from Paddock.
const FIXTURES = path.resolve(import.meta.dirname, '../../../test/fixtures/models');
const MODEL = readFileSync(path.join(FIXTURES, 'torch-mlp.onnx'));
const expected = JSON.parse(readFileSync(path.join(FIXTURES, 'torch-mlp.expected.json'), 'utf8')) as {
  input: { rows: number[][] };
  output: { rows: number[][] };
};
const COLS = ['f0', 'f1', 'f2', 'f3', 'f4', 'f5'];
const toRow = (xs: readonly number[]) => Object.fromEntries(COLS.map((c, i) => [c, xs[i]!]));

const tmp = tempDir('paddock-pkg-');
afterAll(tmp.cleanup);
let n = 0;
const fresh = () => path.join(tmp.dir, `pkg-${n++}`);

function manifest(extra: Partial<ModelManifestInput> = {}): ModelManifestInput {
  return {
    name: 'torch-mlp',
    flavor: 'onnx',
    model: 'model.onnx',
    signature: { inputs: COLS.map((name) => ({ name, type: 'float' as const })), feed: { tensor: 'input' }, outputs: [{ name: 'output', type: 'float' }] },
    ...extra,
  };
}

describe('model packages around a torch.onnx export', () => {
  it('predicts what torch predicted, to 1e-5', async () => {
    const dir = fresh();
    await writeModelPackage(dir, manifest({ metrics: { auc: 0.9 }, lineage: { run_id: 'abc', params: { lr: 0.01 } } }), { 'model.onnx': MODEL });
    const pkg = await readModelPackage(dir);
    expect(pkg.manifest.lineage?.run_id).toBe('abc');
    const out = await predict(pkg, expected.input.rows.map(toRow), { batchSize: 7 });
    expect(out).toHaveLength(20);
    out.forEach((row, i) => expect(row.output as number).toBeCloseTo(expected.output.rows[i]![0]!, 5));
  });

  it('applies stored standard scaling identically: scaled inputs give torch outputs', async () => {
    const mean = [1, -2, 0.5, 3, 0, 10];
    const std = [2, 0.5, 1, 4, 3, 0.25];
    const dir = fresh();
    const scale = Object.fromEntries(COLS.map((c, i) => [c, { mean: mean[i]!, std: std[i]! }]));
    await writeModelPackage(dir, manifest({ preprocess: { scale } }), { 'model.onnx': MODEL });
    // x = z * std + mean, so (x - mean) / std recovers the fixture row z the model was checked on.
    const rows = expected.input.rows.map((z) => toRow(z.map((v, i) => v * std[i]! + mean[i]!)));
    const out = await predict(await readModelPackage(dir), rows);
    out.forEach((row, i) => expect(row.output as number).toBeCloseTo(expected.output.rows[i]![0]!, 5));
  });

  it('names an unknown manifest key with its line and the nearest valid key', async () => {
    const dir = fresh();
    await mkdir(dir);
    await writeFile(path.join(dir, 'model.onnx'), MODEL);
    await writeFile(path.join(dir, MANIFEST_FILE), 'name: m\nflavor: onnx\nmodel: model.onnx\nsignature:\n  inputs: [{name: f0, type: float}]\n  feed: {tensor: input}\n  outputz: []\n');
    const err = await caught(() => readModelPackage(dir));
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.message).toContain(`${MANIFEST_FILE}:7`);
    expect(err.message).toContain("'signature.outputz'");
    expect(err.message).toContain("did you mean 'outputs'");
  });

  it('refuses a model file outside the package and leaves nothing behind', async () => {
    const dir = fresh();
    const err = await caught(() => writeModelPackage(dir, manifest({ model: '../model.onnx' }), { 'model.onnx': MODEL }));
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.message).toContain("'../model.onnx'");
    expect(err.message).toContain('inside the package');
    await expect(readModelPackage(dir)).rejects.toThrow(/not a model package/);
  });

  it('refuses a signature whose width does not match the ONNX input shape', async () => {
    const sig = manifest().signature;
    const err = await caught(() => writeModelPackage(fresh(), manifest({ signature: { ...sig, inputs: sig.inputs.slice(0, 5) } }), { 'model.onnx': MODEL }));
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.message).toMatch(/input 'input' has shape \[batch, 6\].*\[batch, 5\]/);
  });

  it('names a wrong output name, a missing model file and a file that is not ONNX', async () => {
    const sig = manifest().signature;
    const e1 = await caught(() => writeModelPackage(fresh(), manifest({ signature: { ...sig, outputs: [{ name: 'proba', type: 'float' }] } }), { 'model.onnx': MODEL }));
    expect(e1.message).toContain("signature output 'proba'");
    const e2 = await caught(() => writeModelPackage(fresh(), manifest(), { 'other.onnx': MODEL }));
    expect(e2.message).toContain('model.onnx');
    const e3 = await caught(() => writeModelPackage(fresh(), manifest(), { 'model.onnx': 'not a model' }));
    expect(e3.message).toMatch(/model\.onnx: not an ONNX model/);
  });

  it('names the missing column and row, and a wrongly typed value', async () => {
    const dir = fresh();
    await writeModelPackage(dir, manifest(), { 'model.onnx': MODEL });
    const pkg = await readModelPackage(dir);
    const rows = expected.input.rows.slice(0, 3).map(toRow);
    const { f3: _drop, ...without } = rows[1]!;
    const err = await caught(() => predict(pkg, [rows[0]!, without, rows[2]!]));
    expect(err.message).toContain("row 2: missing column 'f3'");
    const bad = await caught(() => predict(pkg, [{ ...rows[0]!, f1: 'x' }]));
    expect(bad.message).toContain("row 1: column 'f1' must be float");
  });
});
