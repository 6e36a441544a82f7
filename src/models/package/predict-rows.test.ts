import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMonitoringProfile } from '../../app-model-packages.js';
import { loadOnnxModel, type OnnxModel } from '../runtime/onnx-session.js';
import { parseTrainerParams } from '../trainers/params.js';
import { trainPackage } from '../training/train-package.js';
import type { ModelPackage } from './package-io.js';
import { openPredictor, type PredictionRow } from './predict.js';
import { compilePreprocess, encodeRows, preprocess, preprocessTable, type InputRow } from './preprocess.js';
import { prng } from '../../test-support/prng.js';

// The single-row serving path (precompiled plan, float32 written directly, no per-row arrays)
// must give exactly what the plain pipeline gives for the same batch: preprocess to a Float64
// matrix, convert to float32, run, split the flat outputs per row (the code predict used to be).

const COLORS = ['red', 'green', 'blue', 'teal'] as const;

/** Rows with gaps in every column, so the package imputes each of them. */
function generate(n: number, seed: number, unknownColors: boolean): Record<string, number | string | null>[] {
  const rnd = prng(seed);
  return Array.from({ length: n }, (_, i) => {
    const x = i % 11 === 4 ? null : Math.round((rnd() * 6 - 3) * 1e6) / 1e6;
    const k = i % 9 === 1 ? null : Math.floor(rnd() * 40);
    const pick = Math.floor(rnd() * COLORS.length);
    const color = i % 7 === 3 ? null : unknownColors && i % 5 === 0 ? `unseen-${i}` : COLORS[pick]!;
    const signal = 1.3 * (x ?? 0) + 0.05 * (k ?? 20) + (color === 'red' ? 1 : color === 'blue' ? -1 : 0) - 1 + (rnd() - 0.5);
    return { x, k, color, y_bin: signal > 0 ? 1 : 0, y_reg: Math.round(signal * 1e4) / 1e4 };
  });
}

const FEATURES = ['x', 'k', 'color'];
let tmp = '';
const packages: { label: string; pkg: ModelPackage }[] = [];
const queries: InputRow[] = generate(300, 99, true).map((r) => ({ x: r.x, k: r.k, color: r.color }));

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'paddock-predict-rows-'));
  const data = path.join(tmp, 'train.csv');
  const rows = generate(400, 5, false);
  writeFileSync(data, `x,k,color,y_bin,y_reg\n${rows.map((r) => [r.x, r.k, r.color, r.y_bin, r.y_reg].map((v) => (v === null ? '' : String(v))).join(',')).join('\n')}\n`);
  const cases = [
    { label: 'gbdt binary', task: 'classification' as const, target: 'y_bin', params: { algorithm: 'gbdt' as const, n_estimators: 15, max_depth: 3, min_samples_leaf: 5 } },
    { label: 'linear regression (scaled)', task: 'regression' as const, target: 'y_reg', params: { algorithm: 'linear' as const } },
  ];
  for (const c of cases) {
    const trained = await trainPackage({
      data, task: c.task, target: c.target, features: FEATURES, params: parseTrainerParams(c.params, 'test'),
      name: 'm', outDir: path.join(tmp, c.label.replace(/\W+/g, '-')), lineage: {}, producerVersion: '0.0.0-test', buildMonitoringProfile,
    });
    packages.push({ label: c.label, pkg: trained.pkg });
  }
}, 30_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The plain pipeline, written out here: Float64 matrix → float32 → run → flat outputs split per row. */
async function reference(model: OnnxModel, pkg: ModelPackage, rows: readonly InputRow[]): Promise<PredictionRow[]> {
  const matrix = preprocessTable({ rows: rows.length, column: (c) => rows.map((r) => r[c]) }, pkg.manifest.preprocess, FEATURES);
  const outputs = pkg.manifest.signature.outputs.map((o) => o.name);
  const results = await model.run({ [model.inputs[0]!.name]: { data: Float32Array.from(matrix.data), dims: [matrix.rows, matrix.width] } }, outputs);
  return rows.map((_, i) => {
    const row: Record<string, PredictionRow[string]> = {};
    for (const name of outputs) {
      const flat = Array.from(results[name]!.data as ArrayLike<number | bigint>, Number);
      const per = flat.length / rows.length;
      row[name] = per === 1 ? flat[i]! : flat.slice(i * per, (i + 1) * per);
    }
    return row;
  });
}

/** The reference run on consecutive chunks of `size` rows. */
async function chunked(model: OnnxModel, pkg: ModelPackage, rows: readonly InputRow[], size: number): Promise<PredictionRow[]> {
  const out: PredictionRow[] = [];
  for (let i = 0; i < rows.length; i += size) out.push(...(await reference(model, pkg, rows.slice(i, i + size))));
  return out;
}

describe('Predictor.predict: one row at a time equals the batch and the plain pipeline', () => {
  it('the query rows exercise nulls in every column and unknown categories', () => {
    for (const f of FEATURES) expect(queries.filter((r) => r[f] === null).length).toBeGreaterThan(10);
    expect(queries.filter((r) => String(r.color).startsWith('unseen')).length).toBeGreaterThan(30);
    for (const { pkg } of packages) for (const f of FEATURES) expect(pkg.manifest.preprocess?.impute[f]).toBeDefined();
    expect(Object.keys(packages[1]!.pkg.manifest.preprocess!.scale)).toEqual(['x', 'k']);
  });

  it('gives the plain pipeline\'s outputs exactly: row by row, 16 at once, in a batch and in small batches', async () => {
    for (const { label, pkg } of packages) {
      const model = await loadOnnxModel(pkg.modelPath);
      const predictor = await openPredictor(pkg);
      const small = await openPredictor(pkg, { batchSize: 7 });
      try {
        const wantBatch = await reference(model, pkg, queries);
        const wantSingle = await chunked(model, pkg, queries, 1);
        const single: PredictionRow[] = [];
        for (const row of queries) single.push(...(await predictor.predict([row])));
        // Many runs in flight at once: each must keep its own input (no shared buffer overwritten).
        const concurrent = (await Promise.all(queries.map((row) => predictor.predict([row])))).flat();
        expect(single, label).toEqual(wantSingle);
        expect(concurrent, label).toEqual(wantSingle);
        expect(await predictor.predict(queries), label).toEqual(wantBatch);
        expect(await small.predict(queries), label).toEqual(await chunked(model, pkg, queries, 7));
        // Not vacuous: the model's outputs vary with the rows.
        const first = pkg.manifest.signature.outputs[0]!.name;
        expect(new Set(wantBatch.map((p) => JSON.stringify(p[first]))).size, label).toBeGreaterThan(1);
      } finally {
        await model.close();
        await predictor.close();
        await small.close();
      }
    }
  });

  it('one row at a time equals the batch: exactly for trees, to float32 rounding for a linear model', async () => {
    // onnxruntime's MatMul takes another kernel for one row than for many, so a linear model's last
    // bits depend on the batch size (with or without Paddock); tree ensembles score each row alone.
    for (const { label, pkg } of packages) {
      const predictor = await openPredictor(pkg);
      try {
        const batch = await predictor.predict(queries);
        const single = (await Promise.all(queries.map((row) => predictor.predict([row])))).flat();
        if (label.startsWith('gbdt')) {
          expect(single, label).toEqual(batch);
          continue;
        }
        single.forEach((p, i) => expect(Math.abs(Number(p.prediction) - Number(batch[i]!.prediction)), label).toBeLessThan(1e-5 * Math.max(1, Math.abs(Number(batch[i]!.prediction)))));
      } finally {
        await predictor.close();
      }
    }
  });

  it('returns scalars for one-value outputs and arrays for per-class outputs, with plain numbers', async () => {
    const { pkg } = packages[0]!;
    const predictor = await openPredictor(pkg);
    try {
      const [p] = await predictor.predict([queries[0]!]);
      expect(typeof p!.label).toBe('number');
      expect(Array.isArray(p!.probabilities)).toBe(true);
      expect((p!.probabilities as number[]).length).toBe(2);
      expect(await predictor.predict([])).toEqual([]);
    } finally {
      await predictor.close();
    }
  });
});

describe('encodeRows', () => {
  it('writes float32 features equal to converting the Float64 matrix', () => {
    const spec = { columns: ['x', 'c'], impute: { x: { strategy: 'mean' as const, value: 0.1234567891 } }, scale: { x: { mean: 0.3, std: 0.7 } }, one_hot: { c: ['a', 'b', 3] } };
    const rows: InputRow[] = [{ x: 1 / 3, c: 'b' }, { x: null, c: 3 }, { x: 1e-9, c: 'zzz' }, { x: 123456.789, c: 'a' }];
    const f64 = preprocess(rows, spec, ['x', 'c']);
    const plan = compilePreprocess(spec, ['x', 'c']);
    const f32 = new Float32Array(rows.length * plan.width);
    encodeRows(plan, rows, f32);
    expect([...f32]).toEqual([...Float32Array.from(f64.data)]);
    // Hand-checked one-hot part: 'b' → [0,1,0], 3 → [0,0,1], unknown → zeros, 'a' → [1,0,0].
    expect([1, 2, 3, 5, 6, 7, 9, 10, 11, 13, 14, 15].map((i) => f32[i])).toEqual([0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0]);
    expect(plan.features).toEqual(['x', 'c=a', 'c=b', 'c=3']);
  });
});
