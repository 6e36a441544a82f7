/**
 * Where a single-row run's time goes in onnxruntime-node (an experiment, not a test; run by hand):
 *
 *     npx tsx scripts/ort-overhead.ts [calls=20000]
 *
 * On the flights-like gbdt package (100 trees, and 1 tree to see the fixed cost), one prebuilt
 * [1, 33] float row, it times:
 *   - Paddock's OnnxModel.run (feed checks + Tensor + public session.run + result copy),
 *   - the public InferenceSession.run with a prebuilt Tensor, and with a new Tensor per call,
 *   - the native binding's run called synchronously, the way backend.js calls it inside its
 *     setImmediate (onnxruntime-node/dist/binding.js: NOT public API — measured here only),
 *   - a bare `await new Promise(setImmediate)` hop, the scheduling part of the public path.
 */
import { createRequire } from 'node:module';
import * as ortModule from 'onnxruntime-node';
import { loadOnnxModel } from '../src/models/runtime/onnx-session.js';
import { preprocess } from '../src/models/package/index.js';
import { flightsRows, withFlightsPackage } from './flights-package.js';

const ort = ((ortModule as unknown as { default?: typeof ortModule }).default ?? ortModule) as typeof ortModule;
const N = Number(process.argv[2] ?? 20_000);

interface NativeSession {
  loadModel(buffer: ArrayBuffer, offset: number, length: number, options: object): void;
  run(feeds: Record<string, unknown>, fetches: Record<string, null>, options: object): Record<string, { data: unknown }>;
}
const { binding } = createRequire(import.meta.url)('onnxruntime-node/dist/binding.js') as { binding: { InferenceSession: new () => NativeSession } };

const OPTIONS = { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } } } as const;

/** Best of 3 rounds (the machine may be busy with other work). */
async function time(label: string, fn: () => unknown): Promise<number> {
  for (let i = 0; i < 2000; i++) await fn();
  let us = Infinity;
  for (let round = 0; round < 3; round++) {
    const started = performance.now();
    for (let i = 0; i < N; i++) await fn();
    us = Math.min(us, ((performance.now() - started) * 1000) / N);
  }
  console.log(`  ${label.padEnd(54)} ${us.toFixed(2).padStart(7)} µs`);
  return us;
}

function syncTime(label: string, fn: () => unknown): number {
  for (let i = 0; i < 2000; i++) fn();
  let us = Infinity;
  for (let round = 0; round < 3; round++) {
    const started = performance.now();
    for (let i = 0; i < N; i++) fn();
    us = Math.min(us, ((performance.now() - started) * 1000) / N);
  }
  console.log(`  ${label.padEnd(54)} ${us.toFixed(2).padStart(7)} µs`);
  return us;
}

for (const trees of [100, 1]) {
  await withFlightsPackage(trees, async (pkg) => {
    console.log(`${trees} tree(s), ${N} runs of one row each:`);
    const row = flightsRows(1)[0]!;
    const matrix = preprocess([row], pkg.manifest.preprocess, pkg.manifest.signature.inputs.map((c) => c.name));
    const data = Float32Array.from(matrix.data);
    const dims = [1, matrix.width];
    const fetch = pkg.manifest.signature.outputs.map((o) => o.name);
    const model = await loadOnnxModel(pkg.modelPath);
    const inputName = model.inputs[0]!.name;
    const bytes = (await import('node:fs')).readFileSync(pkg.modelPath);
    const session = await ort.InferenceSession.create(bytes, OPTIONS);
    const tensor = new ort.Tensor('float32', data, dims);
    await time('public session.run, prebuilt Tensor', () => session.run({ [inputName]: tensor }, fetch));
    await time('OnnxModel.run (Paddock)', () => model.run({ [inputName]: { data, dims } }, fetch));
    await time('public session.run, new Tensor per call', () => session.run({ [inputName]: new ort.Tensor('float32', data, dims) }, fetch));
    const native = new binding.InferenceSession();
    native.loadModel(bytes.buffer, bytes.byteOffset, bytes.byteLength, OPTIONS);
    const fetches = Object.fromEntries(fetch.map((f) => [f, null]));
    const feeds = { [inputName]: tensor };
    syncTime('native binding.run, synchronous', () => native.run(feeds, fetches, {}));
    syncTime('new ort.Tensor alone', () => new ort.Tensor('float32', data, dims));
    await time('await new Promise(setImmediate) alone', () => new Promise((r) => setImmediate(r)));
    await model.close();
    await session.release();
  });
}
