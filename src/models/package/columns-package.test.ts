import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../test-support/cli.js';
import { MANIFEST_FILE, checkManifest, predict, readModelPackage, writeModelPackage, type ModelManifestInput } from '../index.js';
import { columnFeeds } from './predict.js';
import { caught } from '../../test-support/caught.js';

// Reference: a scikit-learn Pipeline(ColumnTransformer(StandardScaler, OneHotEncoder), LogisticRegression)
// written as the graph skl2onnx makes of it (one [None, 1] input per column, a ZipMap output),
// with scikit-learn's predict_proba for 8 rows (scripts/make-reference-models.py).
const FIXTURES = path.resolve(import.meta.dirname, '../../../test/fixtures/models');
const PIPELINE = readFileSync(path.join(FIXTURES, 'sklearn-pipeline.onnx'));
const RANK1 = readFileSync(path.join(FIXTURES, 'sklearn-pipeline-rank1.onnx'));
const TORCH = readFileSync(path.join(FIXTURES, 'torch-mlp.onnx'));
const expected = JSON.parse(readFileSync(path.join(FIXTURES, 'sklearn-pipeline.expected.json'), 'utf8')) as {
  rows: { distance: number; hour: number; origin: string }[];
  labels: number[];
  probabilities: number[][];
};

const tmp = tempDir('paddock-cols-');
afterAll(tmp.cleanup);
let n = 0;
const fresh = () => path.join(tmp.dir, `pkg-${n++}`);

type Signature = ModelManifestInput['signature'];
const SIGNATURE: Signature = {
  inputs: [
    { name: 'distance', type: 'float' },
    { name: 'hour', type: 'int64' },
    { name: 'origin', type: 'string' },
  ],
  feed: { layout: 'columns' },
  outputs: [
    { name: 'label', type: 'int64' },
    { name: 'probabilities', type: 'float' },
  ],
};

function manifest(signature: Partial<Signature> = {}, extra: Partial<ModelManifestInput> = {}): ModelManifestInput {
  return { name: 'flights', flavor: 'onnx', model: 'model.onnx', signature: { ...SIGNATURE, ...signature }, ...extra };
}

function expectProbabilities(got: readonly Record<string, unknown>[]): void {
  expect(got).toHaveLength(expected.rows.length);
  got.forEach((row, i) => {
    const p = row.probabilities as number[];
    expect(p).toHaveLength(2);
    p.forEach((v, k) => expect(Math.abs(v - expected.probabilities[i]![k]!)).toBeLessThanOrEqual(1e-5));
    expect(row.label).toBe(expected.labels[i]);
  });
}

describe("layout 'columns' over a scikit-learn pipeline graph", () => {
  it("predicts scikit-learn's probabilities and labels to 1e-5, unseen origin included, across batches", async () => {
    const dir = fresh();
    await writeModelPackage(dir, manifest(), { 'model.onnx': PIPELINE });
    const pkg = await readModelPackage(dir);
    expect(pkg.manifest.signature.feed).toEqual({ layout: 'columns' });
    expect(expected.rows.some((r) => r.origin === 'SEA')).toBe(true);
    expectProbabilities(await predict(pkg, expected.rows, { batchSize: 3 }));
    // Not a constant model: the fixture's probabilities spread widely.
    const p1 = expected.probabilities.map((p) => p[1]!);
    expect(Math.max(...p1) - Math.min(...p1)).toBeGreaterThan(0.5);
  });

  it('feeds a model declaring rank-1 [batch] inputs, with a double column as Float64Array', async () => {
    const dir = fresh();
    const inputs = SIGNATURE.inputs.map((c) => (c.name === 'distance' ? { ...c, type: 'double' as const } : c));
    await writeModelPackage(dir, manifest({ inputs }), { 'model.onnx': RANK1 });
    expectProbabilities(await predict(await readModelPackage(dir), expected.rows));
  });

  it('reads a hand-written manifest with layout: columns and no feed.tensor', async () => {
    const dir = fresh();
    await mkdir(dir);
    await writeFile(path.join(dir, 'model.onnx'), PIPELINE);
    const yaml = [
      'name: flights', 'flavor: onnx', 'model: model.onnx', 'signature:',
      '  inputs: [{name: distance, type: float}, {name: hour, type: int64}, {name: origin, type: string}]',
      '  feed: {layout: columns}', '  outputs: [{name: probabilities, type: float}]', '',
    ].join('\n');
    await writeFile(path.join(dir, MANIFEST_FILE), yaml);
    const out = await predict(await readModelPackage(dir), expected.rows.slice(0, 2));
    expect(Object.keys(out[0]!)).toEqual(['probabilities']);
    expect((out[1]!.probabilities as number[])[1]).toBeCloseTo(expected.probabilities[1]![1]!, 5);
  });

  it('refuses a signature listing the ZipMap output, saying how to fix the export', async () => {
    const outputs = [{ name: 'output_probability', type: 'float' as const }];
    const err = await caught(() => writeModelPackage(fresh(), manifest({ outputs }), { 'model.onnx': PIPELINE }));
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.message).toContain("output 'output_probability' is a sequence/map output");
    expect(err.message).toContain('ZipMap');
    expect(err.message).toContain("options={type(model): {'zipmap': False}}");
    expect(err.message).toContain("'label', 'probabilities'");
    expect(err.details).toMatchObject({ field: 'signature.outputs', output: 'output_probability' });
  });

  it('imputes a null from preprocess.impute, and names row and column when nothing imputes it', async () => {
    const dir = fresh();
    await writeModelPackage(dir, manifest({}, { preprocess: { impute: { origin: { strategy: 'constant', value: 'ATL' }, distance: { strategy: 'mean', value: 250 } } } }), { 'model.onnx': PIPELINE });
    const pkg = await readModelPackage(dir);
    const [row0] = expected.rows; // distance 250, origin ATL
    const out = await predict(pkg, [{ ...row0!, origin: null }, { ...row0!, distance: null }, { ...row0!, distance: Number.NaN }]);
    for (const row of out) expect((row.probabilities as number[])[1]).toBeCloseTo(expected.probabilities[0]![1]!, 5);
    const plain = fresh();
    await writeModelPackage(plain, manifest(), { 'model.onnx': PIPELINE });
    const plainPkg = await readModelPackage(plain);
    const err = await caught(() => predict(plainPkg, [row0!, { ...row0!, hour: null }]));
    expect(err.message).toContain("row 2: column 'hour' is null and the package has no imputation");
  });

  it('names the column of a wrongly typed value and of a missing one', async () => {
    const dir = fresh();
    await writeModelPackage(dir, manifest(), { 'model.onnx': PIPELINE });
    const pkg = await readModelPackage(dir);
    const [a, b] = expected.rows;
    const typed = await caught(() => predict(pkg, [a!, { ...b!, distance: 'far' }]));
    expect(typed.message).toContain("row 2: column 'distance' must be float, got \"far\"");
    const hour = await caught(() => predict(pkg, [{ ...a!, hour: 6.5 }]));
    expect(hour.message).toContain("row 1: column 'hour' must be int64");
    const { origin: _drop, ...noOrigin } = a!;
    const missing = await caught(() => predict(pkg, [noOrigin]));
    expect(missing.message).toContain("row 1: missing column 'origin' (string)");
  });
});

describe("checking a 'columns' signature against the model", () => {
  const refused = async (m: ModelManifestInput, model: Uint8Array = PIPELINE) => {
    const dir = fresh();
    const err = await caught(() => writeModelPackage(dir, m, { 'model.onnx': model }));
    await expect(readModelPackage(dir)).rejects.toThrow(/not a model package/);
    return err;
  };

  it('names a column whose type differs from the model input, with the type to use', async () => {
    const inputs = SIGNATURE.inputs.map((c) => (c.name === 'distance' ? { ...c, type: 'string' as const } : c));
    const err = await refused(manifest({ inputs }));
    expect(err.message).toContain("signature input 'distance' is string but the model's input 'distance' takes float32; set its type to float");
    expect(err.details).toMatchObject({ column: 'distance' });
  });

  it('lists model inputs missing from the signature and signature inputs the model lacks', async () => {
    const inputs = [...SIGNATURE.inputs.filter((c) => c.name !== 'hour'), { name: 'weekday', type: 'int64' as const }];
    const err = await refused(manifest({ inputs }));
    expect(err.message).toContain("model inputs missing from the signature: 'hour'");
    expect(err.message).toContain("signature inputs the model does not take: 'weekday'");
    expect(err.details).toMatchObject({ missing: ['hour'], extra: ['weekday'] });
  });

  it('points a matrix signature over a per-column model to layout columns, and the reverse', async () => {
    const matrix = await refused(manifest({ feed: { tensor: 'distance', layout: 'matrix' } }));
    expect(matrix.message).toContain("the model takes 3 inputs ('distance', 'hour', 'origin'); a matrix signature feeds exactly one");
    expect(matrix.message).toContain('set signature.feed.layout: columns');
    const cols = ['f0', 'f1', 'f2', 'f3', 'f4', 'f5'].map((name) => ({ name, type: 'float' as const }));
    const reverse = await refused(manifest({ inputs: cols, outputs: [{ name: 'output', type: 'float' }] }), TORCH);
    expect(reverse.message).toContain("model inputs missing from the signature: 'input'");
    expect(reverse.message).toContain("one [batch, 6] tensor 'input': use signature.feed.layout: matrix");
  });
});

describe("what the manifest allows with each layout", () => {
  const invalid = async (m: ModelManifestInput) => {
    const err = await caught(() => writeModelPackage(fresh(), m, { 'model.onnx': PIPELINE }));
    expect(err.code).toBe('CONFIG_INVALID');
    return err;
  };

  it('requires feed.tensor with layout matrix and refuses it with columns', async () => {
    const m = await invalid(manifest({ feed: { layout: 'matrix' } }));
    expect(m.message).toContain("'signature.feed.tensor': required with layout 'matrix'");
    const c = await invalid(manifest({ feed: { layout: 'columns', tensor: 'distance' } }));
    expect(c.message).toContain("'signature.feed.tensor': not used with layout 'columns'");
  });

  it('refuses preprocess other than impute with columns, naming the field', async () => {
    const scale = await invalid(manifest({}, { preprocess: { scale: { distance: { mean: 1, std: 2 } } } }));
    expect(scale.message).toContain("'preprocess.scale'");
    expect(scale.message).toContain('only preprocess.impute is allowed');
    const oneHot = await invalid(manifest({}, { preprocess: { one_hot: { origin: ['ATL'] } } }));
    expect(oneHot.message).toContain("'preprocess.one_hot'");
    const order = await invalid(manifest({}, { preprocess: { columns: ['distance', 'hour', 'origin'] } }));
    expect(order.message).toContain("'preprocess.columns'");
  });

  it('refuses an imputed value of the wrong type, with the line in a YAML manifest', async () => {
    const num = await invalid(manifest({}, { preprocess: { impute: { hour: { strategy: 'constant', value: 'noon' } } } }));
    expect(num.message).toContain("'preprocess.impute.hour.value': column 'hour' is int64");
    const dir = fresh();
    await mkdir(dir);
    await writeFile(path.join(dir, 'model.onnx'), PIPELINE);
    const yaml = 'name: f\nflavor: onnx\nmodel: model.onnx\nsignature:\n  inputs: [{name: distance, type: float}]\n  feed: {layout: columns}\n  outputs: [{name: label, type: int64}]\npreprocess:\n  scale: {distance: {mean: 0, std: 1}}\n';
    await writeFile(path.join(dir, MANIFEST_FILE), yaml);
    const err = await caught(() => readModelPackage(dir));
    expect(err.message).toContain(`${MANIFEST_FILE}:9: 'preprocess.scale'`);
  });
});

describe('columnFeeds', () => {
  it('builds one feed per column with its element type, [n, 1] or [n] as the model declares', () => {
    const m = checkManifest(manifest({ inputs: [{ name: 'x', type: 'double' }, { name: 'k', type: 'int64' }, { name: 's', type: 'string' }, { name: 'f', type: 'float' }] }), MANIFEST_FILE);
    const inputs = [
      { name: 'x', isTensor: true, elementType: 'float64', shape: [null, 1] },
      { name: 'k', isTensor: true, elementType: 'int64', shape: [null] },
      { name: 's', isTensor: true, elementType: 'string', shape: ['N', 1] },
      { name: 'f', isTensor: true, elementType: 'float32', shape: [null, 1] },
    ];
    const feeds = columnFeeds({ inputs }, m, [
      { x: 0.1, k: 3, s: 'a', f: 1.5 },
      { x: 2, k: 9007199254740993n, s: 'b', f: 2n },
    ]);
    expect(feeds.x!.data).toBeInstanceOf(Float64Array);
    expect(Array.from(feeds.x!.data as Float64Array)).toEqual([0.1, 2]);
    expect(feeds.x!.dims).toEqual([2, 1]);
    expect(Array.from(feeds.k!.data as BigInt64Array)).toEqual([3n, 9007199254740993n]);
    expect(feeds.k!.dims).toEqual([2]);
    expect(feeds.s!.data).toEqual(['a', 'b']);
    expect(feeds.f!.data).toBeInstanceOf(Float32Array);
    expect(Array.from(feeds.f!.data as Float32Array)).toEqual([1.5, 2]);
  });
});
