import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildMonitoringProfile } from '../../app-model-packages.js';
import { prng } from '../../test-support/prng.js';
import { openPredictor, type InputRow } from '../package/index.js';
import type { ModelPackage } from '../package/package-io.js';
import { parseTrainerParams } from '../trainers/params.js';
import { trainPackage } from '../training/train-package.js';
import { loadOnnxModel } from './onnx-session.js';
import { readOnnxGraph } from './onnx-reader.js';
import { compileRowEvaluator } from './row-evaluator.js';
import { fmaf, mlasLogistic, nextFloat32 } from './row-ops.js';

// The single-row evaluator stands in for onnxruntime only where it gives the runtime's answers
// bit for bit: each package's single-row predictions with it must equal onnxruntime's, row by
// row, on rows it never saw at load.

const COLORS = ['red', 'green', 'blue'] as const;

function generate(n: number, seed: number): Record<string, number | string>[] {
  const rnd = prng(seed);
  return Array.from({ length: n }, () => {
    const x = Math.round((rnd() * 6 - 3) * 1e5) / 1e5;
    const k = Math.floor(rnd() * 40);
    const color = COLORS[Math.floor(rnd() * COLORS.length)]!;
    const signal = 1.3 * x + 0.05 * k + (color === 'red' ? 1 : 0) - 1 + (rnd() - 0.5);
    return { x, k, color, y_bin: signal > 0 ? 1 : 0, y_three: signal > 0.8 ? 'high' : signal > -0.8 ? 'mid' : 'low', y_reg: Math.round(signal * 1e4) / 1e4 };
  });
}

let tmp = '';
const packages = new Map<string, ModelPackage>();
const queries: InputRow[] = generate(400, 77).map(({ x, k, color }) => ({ x, k, color }));
const CASES = [
  { label: 'gbdt binary', task: 'classification' as const, target: 'y_bin', params: { algorithm: 'gbdt' as const, n_estimators: 30, max_depth: 4, min_samples_leaf: 5 }, fast: true },
  { label: 'gbdt regression', task: 'regression' as const, target: 'y_reg', params: { algorithm: 'gbdt' as const, n_estimators: 30, max_depth: 4, min_samples_leaf: 5 }, fast: true },
  { label: 'gbdt three classes', task: 'classification' as const, target: 'y_three', params: { algorithm: 'gbdt' as const, n_estimators: 10, max_depth: 3, min_samples_leaf: 5 }, fast: false },
  { label: 'linear binary', task: 'classification' as const, target: 'y_bin', params: { algorithm: 'linear' as const }, fast: false },
];

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'paddock-row-evaluator-'));
  const data = path.join(tmp, 'train.csv');
  const rows = generate(600, 5);
  writeFileSync(data, `x,k,color,y_bin,y_three,y_reg\n${rows.map((r) => [r.x, r.k, r.color, r.y_bin, r.y_three, r.y_reg].join(',')).join('\n')}\n`);
  for (const c of CASES) {
    const trained = await trainPackage({
      data, task: c.task, target: c.target, features: ['x', 'k', 'color'], params: parseTrainerParams(c.params, 'test'),
      name: 'm', outDir: path.join(tmp, c.label.replace(/\W+/g, '-')), lineage: {}, producerVersion: '0.0.0-test', buildMonitoringProfile,
    });
    packages.set(c.label, trained.pkg);
  }
}, 60_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('single-row evaluator', () => {
  for (const c of CASES) {
    it(`${c.label}: ${c.fast ? 'runs single rows in JavaScript with onnxruntime’s exact answers' : 'is not used (onnxruntime runs it)'}`, async () => {
      const pkg = packages.get(c.label)!;
      const fast = await openPredictor(pkg);
      const plain = await openPredictor(pkg, { rowEvaluator: false });
      try {
        expect(fast.rowEvaluator).toBe(c.fast);
        expect(plain.rowEvaluator).toBe(false);
        // Against onnxruntime's single-row runs: a row in a batch may differ in the last bit (its
        // vectorised Sigmoid), so a batch is not the reference for the path that replaces single runs.
        for (const row of queries) {
          const want = await plain.predict([row]);
          expect(await fast.predict([row])).toEqual(want);
          // The synchronous answer a server takes when there is one: the same, or none at all.
          if (c.fast) expect(fast.predictNow!([row])).toEqual(want);
          else expect(fast.predictNow).toBeUndefined();
        }
        expect(plain.predictNow).toBeUndefined();
        if (c.fast) {
          expect(fast.predictNow!(queries.slice(0, 2))).toBeUndefined();
          // A bad row throws what predict rejects with.
          const bad = [{ ...queries[0]!, x: 'not a number' }];
          const rejected = await fast.predict(bad).then(() => undefined, (err: unknown) => err);
          expect(rejected).toBeInstanceOf(Error);
          expect(() => fast.predictNow!(bad)).toThrow((rejected as Error).message);
        }
      } finally {
        await fast.close();
        await plain.close();
      }
    });
  }

  it('runs batches of up to 32 rows row by row on it, with onnxruntime’s single-row answers; larger ones in one onnxruntime call', async () => {
    const pkg = packages.get('gbdt binary')!;
    const fast = await openPredictor(pkg);
    const plain = await openPredictor(pkg, { rowEvaluator: false });
    // The class behind InferenceSession.create (its type declares only the factory).
    const run = vi.spyOn((ort.InferenceSession as unknown as { prototype: ort.InferenceSession }).prototype, 'run');
    try {
      const small = queries.slice(0, 32);
      const want = (await Promise.all(small.map((row) => plain.predict([row])))).flat();
      run.mockClear();
      expect(await fast.predict(small)).toEqual(want);
      expect(await fast.predict(small.slice(0, 2))).toEqual(want.slice(0, 2));
      expect(run).not.toHaveBeenCalled();
      const large = queries.slice(0, 33);
      expect(await fast.predict(large)).toEqual(await plain.predict(large));
      expect(run).toHaveBeenCalledTimes(2);
    } finally {
      run.mockRestore();
      await fast.close();
      await plain.close();
    }
  });

  it('is not built for a graph with an operator it does not know, and not used when it would differ', async () => {
    const pkg = packages.get('gbdt binary')!;
    const graph = readOnnxGraph(readFileSync(pkg.modelPath));
    const renamed = { ...graph, nodes: graph.nodes.map((n) => (n.opType === 'Sigmoid' ? { ...n, opType: 'HardSigmoid' } : n)) };
    expect(compileRowEvaluator(renamed, ['label', 'probabilities'], 'fma')).toBeUndefined();
    // The plain (no fused multiply-add) sigmoid differs from onnxruntime's in the last bit on some rows:
    // the check at load must notice, which it can only if the two variants really differ somewhere.
    const model = await loadOnnxModel(pkg.modelPath);
    try {
      const fma = compileRowEvaluator(graph, ['probabilities'], 'fma')!;
      const plain = compileRowEvaluator(graph, ['probabilities'], 'plain')!;
      const width = model.inputs[0]!.shape[1] as number;
      const rnd = prng(3);
      let differ = 0;
      for (let i = 0; i < 2000; i++) {
        const row = Float32Array.from({ length: width }, () => rnd() * 4 - 2);
        const a = fma(row).probabilities!.data as Float32Array;
        const b = plain(row).probabilities!.data as Float32Array;
        if (a[0] !== b[0] || a[1] !== b[1]) differ++;
      }
      expect(differ).toBeGreaterThan(0);
    } finally {
      await model.close();
    }
  });
});

describe('float32 arithmetic', () => {
  it('fmaf rounds a × b + c once, where rounding through double would round twice', () => {
    const a = Math.fround(2 ** -12 + 2 ** -30);
    const b = Math.fround(2 ** -12 - 2 ** -30);
    const c = Math.fround(1 + 2 ** -23);
    // Exact: 1 + 2^-23 + 2^-24 - 2^-60, just below the midpoint of 1 + 2^-23 and 1 + 2^-22.
    expect(Math.fround(a * b + c)).toBe(1 + 2 ** -22); // double rounding: to the midpoint, then to even
    expect(fmaf(a, b, c)).toBe(1 + 2 ** -23);
    expect(fmaf(-a, b, -c)).toBe(-(1 + 2 ** -23));
    expect(fmaf(2, 3, 0.5)).toBe(6.5);
  });

  it('nextFloat32 steps one float32 either way, across zero', () => {
    expect(nextFloat32(1, 1)).toBe(1 + 2 ** -23);
    expect(nextFloat32(1, -1)).toBe(1 - 2 ** -24);
    expect(nextFloat32(-1, 1)).toBe(-(1 - 2 ** -24));
    expect(nextFloat32(0, -1)).toBe(-(2 ** -149));
  });

  it('mlasLogistic is the logistic function to float32 accuracy, saturating like MLAS', () => {
    for (const x of [-20, -5, -1, -0.1, 0, 0.3, 2, 7, 30]) expect(mlasLogistic(x, 'fma')).toBeCloseTo(1 / (1 + Math.exp(-x)), 6);
    expect(mlasLogistic(0, 'fma')).toBe(0.5);
    expect(Number.isNaN(mlasLogistic(Number.NaN, 'fma'))).toBe(true);
  });
});
