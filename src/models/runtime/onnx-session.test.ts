import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../test-support/cli.js';
import { loadOnnxModel, type OnnxModel } from './onnx-session.js';
import { caught } from '../../test-support/caught.js';

// The reference: a PyTorch MLP exported with torch.onnx and PyTorch's own outputs for 20 fixed
// rows, both written by scripts/make-reference-models.py. Nothing here comes from Paddock's code.
const FIXTURES = path.resolve(import.meta.dirname, '../../../test/fixtures/models');
const MODEL = path.join(FIXTURES, 'torch-mlp.onnx');
interface Expected {
  readonly input: { readonly name: string; readonly dims: number[]; readonly rows: number[][] };
  readonly output: { readonly name: string; readonly dims: number[]; readonly rows: number[][] };
}
const expected = JSON.parse(readFileSync(path.join(FIXTURES, 'torch-mlp.expected.json'), 'utf8')) as Expected;

describe('loadOnnxModel on a torch.onnx export', () => {
  let model: OnnxModel;
  beforeAll(async () => {
    model = await loadOnnxModel(MODEL);
  });
  afterAll(async () => {
    await model.close();
  });

  it('reports the exported input and output names, types and shapes', () => {
    expect(model.inputs).toEqual([{ name: 'input', isTensor: true, elementType: 'float32', shape: ['batch', 6] }]);
    expect(model.outputs).toEqual([{ name: 'output', isTensor: true, elementType: 'float32', shape: ['batch', 1] }]);
  });

  it("matches PyTorch's predictions on the 20 fixture rows to 1e-5", async () => {
    const data = Float32Array.from(expected.input.rows.flat());
    const out = await model.run({ input: { data, dims: expected.input.dims } });
    const result = out[expected.output.name]!;
    expect(result.type).toBe('float32');
    expect(result.dims).toEqual(expected.output.dims);
    const want = expected.output.rows.flat();
    const got = Array.from(result.data as Float32Array);
    expect(got).toHaveLength(20);
    const worst = Math.max(...got.map((g, i) => Math.abs(g - want[i]!)));
    expect(worst).toBeLessThanOrEqual(1e-5);
    // The outputs are probabilities of a trained model, not a constant: guard against a vacuous pass.
    expect(Math.max(...want) - Math.min(...want)).toBeGreaterThan(0.5);
  });

  it('runs a single row (the symbolic batch dimension)', async () => {
    const out = await model.run({ input: { data: Float32Array.from(expected.input.rows[0]!), dims: [1, 6] } });
    expect(Math.abs((out.output!.data as Float32Array)[0]! - expected.output.rows[0]![0]!)).toBeLessThanOrEqual(1e-5);
  });

  it('names a missing input and its expected shape', async () => {
    const err = await caught(() => model.run({}));
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.message).toContain("missing input 'input'");
    expect(err.message).toContain('[batch, 6]');
  });

  it('names an unknown input', async () => {
    const err = await caught(() => model.run({ features: { data: new Float32Array(6), dims: [1, 6] } }));
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.message).toContain("unknown input 'features'");
  });

  it('names the input with expected vs given shape on wrong dims', async () => {
    const err = await caught(() => model.run({ input: { data: new Float32Array(10), dims: [2, 5] } }));
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.message).toContain("input 'input' expects shape [batch, 6], got [2, 5]");
    const rank = await caught(() => model.run({ input: { data: new Float32Array(6), dims: [6] } }));
    expect(rank.message).toContain('got [6]');
  });

  it('rejects data whose length does not match the dims, and the wrong element type', async () => {
    const short = await caught(() => model.run({ input: { data: new Float32Array(5), dims: [1, 6] } }));
    expect(short.code).toBe('INVALID_ARGUMENT');
    expect(short.message).toContain("input 'input'");
    const typed = await caught(() => model.run({ input: { data: new Float64Array(6), dims: [1, 6] } }));
    expect(typed.code).toBe('INVALID_ARGUMENT');
    expect(typed.message).toContain("input 'input' takes float32 data, got float64");
  });
});

describe('loadOnnxModel on bad files', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('rejects a text file renamed .onnx, naming the file', async () => {
    const file = path.join(tmp.dir, 'model.onnx');
    writeFileSync(file, 'this is a README, not a model\n');
    const err = await caught(() => loadOnnxModel(file));
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.message).toContain(`${file}: not an ONNX model`);
    expect(err.message).not.toMatch(/\n\s+at /);
  });

  it('reports a missing file as PATH_NOT_FOUND', async () => {
    const file = path.join(tmp.dir, 'absent.onnx');
    const err = await caught(() => loadOnnxModel(file));
    expect(err.code).toBe('PATH_NOT_FOUND');
    expect(err.message).toContain(file);
  });
});

// The skl2onnx-shaped pipeline of scripts/make-reference-models.py: one [None, 1] input per column
// and, beside its tensor outputs, a ZipMap (sequence of maps) that onnxruntime-node cannot return.
describe('loadOnnxModel on a scikit-learn pipeline graph with a ZipMap output', () => {
  const pipeline = JSON.parse(readFileSync(path.join(FIXTURES, 'sklearn-pipeline.expected.json'), 'utf8')) as { probabilities: number[][] };
  let model: OnnxModel;
  beforeAll(async () => {
    model = await loadOnnxModel(path.join(FIXTURES, 'sklearn-pipeline.onnx'));
  });
  afterAll(async () => {
    await model.close();
  });
  const feeds = {
    distance: { data: Float32Array.from([250, 1200]), dims: [2, 1] },
    hour: { data: BigInt64Array.from([6n, 13n]), dims: [2, 1] },
    origin: { data: ['ATL', 'SEA'], dims: [2, 1] },
  };

  it("describes per-column inputs with an unknown batch dim, and the ZipMap as a non-tensor", () => {
    expect(model.inputs.map((i) => [i.name, i.elementType, i.shape])).toEqual([
      ['distance', 'float32', [null, 1]],
      ['hour', 'int64', [null, 1]],
      ['origin', 'string', [null, 1]],
    ]);
    expect(model.outputs).toEqual([
      { name: 'label', isTensor: true, elementType: 'int64', shape: [null] },
      { name: 'probabilities', isTensor: true, elementType: 'float32', shape: [null, 2] },
      { name: 'output_probability', isTensor: false, elementType: null, shape: [] },
    ]);
  });

  it('runs, fetching only the tensor outputs by default', async () => {
    const out = await model.run(feeds);
    expect(Object.keys(out).sort()).toEqual(['label', 'probabilities']);
    expect(Array.from(out.label!.data as BigInt64Array)).toEqual([0n, 1n]);
    const got = Array.from(out.probabilities!.data as Float32Array);
    const want = [...pipeline.probabilities[0]!, ...pipeline.probabilities[4]!];
    got.forEach((g, i) => expect(Math.abs(g - want[i]!)).toBeLessThanOrEqual(1e-5));
  });

  it('returns only the outputs asked for', async () => {
    const out = await model.run(feeds, ['probabilities']);
    expect(Object.keys(out)).toEqual(['probabilities']);
    expect(out.probabilities!.dims).toEqual([2, 2]);
  });

  it('refuses to fetch the ZipMap output with the export fix, and names an unknown output', async () => {
    const zip = await caught(() => model.run(feeds, ['output_probability']));
    expect(zip.code).toBe('INVALID_ARGUMENT');
    expect(zip.message).toContain("output 'output_probability' is a sequence/map output");
    expect(zip.message).toContain("{'zipmap': False}");
    const unknown = await caught(() => model.run(feeds, ['proba']));
    expect(unknown.message).toContain("unknown output 'proba'; the model gives 'label', 'probabilities', 'output_probability'");
  });

  it('names a string column fed with numbers', async () => {
    const err = await caught(() => model.run({ ...feeds, origin: { data: Float32Array.from([1, 2]), dims: [2, 1] } }));
    expect(err.message).toContain("input 'origin' takes string data, got float32");
  });
});
