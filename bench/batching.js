// Adaptive batching: single-row Open Inference Protocol requests to `paddock serve` running a
// 300k-parameter MLP (64 → 512 → 512 → 2, test/fixtures/models/mlp-300k.onnx), loaded by
// autocannon (64 connections, another process) with batching off, then on (--max-batch-size 64
// --max-latency-ms 2): concurrent requests then share model calls. Both servers run side by
// side; each is loaded alone. A second row measures the same in process, without HTTP: 64
// concurrent callers of single-row predict, straight to the predictor or through the batcher.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { checkRows, openPredictor, readModelPackage, writeModelPackage } from '../src/models/index.ts';
import { AdaptiveBatcher } from '../src/serving/batching/adaptive-batcher.ts';
import { CLI, ROOT, removeDir, row, tempDir } from './lib.js';

const DURATION = process.env.PADDOCK_BENCH_SMALL ? 5 : 10;
const CONNECTIONS = 64;
const FIXTURES = path.join(ROOT, 'test/fixtures/models');
const COLS = Array.from({ length: 64 }, (_, i) => `f${i}`);

export async function batching() {
  const dir = tempDir('batching');
  const procs = [];
  try {
    const pkg = await writeMlpPackage(path.join(dir, 'mlp'));
    const body = requestBody();
    const serve = (extra) => start(procs, process.execPath, [CLI, 'serve', `mlp=${pkg}`, '--port', '0', ...extra], dir, /listening on (http:\/\/\S+)/);
    const offUrl = await serve([]);
    const onUrl = await serve(['--max-batch-size', '64', '--max-latency-ms', '2']);
    const target = (url) => `${url}/v2/models/mlp/infer`;
    const offAnswer = check(target(offUrl), body);
    const onAnswer = check(target(onUrl), body);
    if (JSON.stringify(offAnswer) !== JSON.stringify(onAnswer)) throw new Error(`batched and unbatched answers differ: ${JSON.stringify(onAnswer)} vs ${JSON.stringify(offAnswer)}`);
    const off = load(target(offUrl), body);
    const on = load(target(onUrl), body);
    const ratio = on.rps / off.rps;
    const model = await inProcess(pkg);
    const modelRatio = model.on / model.off;
    return [
      row(`single-row /v2 infer, 300k-param MLP, ${CONNECTIONS} connections, batching on (64 rows, 2 ms)`, `${fmt(on.rps)} req/s (p99 ${on.p99} ms)`, `${fmt(off.rps)} req/s (p99 ${off.p99} ms)`, 'same server, batching off', '≥ 3×', `${ratio.toFixed(2)}×`, ratio >= 3),
      row(`  in process (no HTTP): ${CONNECTIONS} concurrent single-row predict callers, batcher on`, `${fmt(model.on)} rows/s`, `${fmt(model.off)} rows/s`, 'same predictor, no batcher', '≥ 3×', `${modelRatio.toFixed(2)}×`, modelRatio >= 3),
    ];
  } finally {
    for (const p of procs) p.kill('SIGTERM');
    removeDir(dir);
  }
}

/** Rows per second that CONNECTIONS callers looping on single-row predict get, without and with the batcher. */
async function inProcess(dir) {
  const predictor = await openPredictor(await readModelPackage(dir));
  const row = Object.fromEntries(COLS.map((c, i) => [c, Math.sin(i) * 1.5]));
  const rate = async (call) => {
    await Promise.all(Array.from({ length: CONNECTIONS }, () => call([row]))); // warm-up
    const seconds = DURATION / 2;
    const deadline = performance.now() + seconds * 1000;
    let done = 0;
    await Promise.all(Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < deadline) {
        await call([row]);
        done++;
      }
    }));
    return done / seconds;
  };
  try {
    const off = await rate((rows) => predictor.predict(rows));
    const batcher = new AdaptiveBatcher({ run: (rows) => predictor.predict(rows), validate: (rows) => checkRows(predictor.pkg.manifest, rows) }, { maxBatchSize: 64, maxLatencyMs: 2 });
    const on = await rate((rows) => batcher.predict(rows));
    batcher.close();
    return { off, on };
  } finally {
    await predictor.close();
  }
}

/** A matrix-layout package around the MLP fixture: 64 double inputs f0..f63 into 'features'. */
export async function writeMlpPackage(dir) {
  const example = Object.fromEntries(COLS.map((c, i) => [c, (i % 7) / 8 - 0.375]));
  await writeModelPackage(dir, {
    name: 'mlp-300k',
    flavor: 'onnx',
    model: 'model.onnx',
    signature: { inputs: COLS.map((name) => ({ name, type: 'double' })), feed: { tensor: 'features' }, outputs: [{ name: 'probabilities', type: 'float' }] },
    input_example: [example],
  }, { 'model.onnx': readFileSync(path.join(FIXTURES, 'mlp-300k.onnx')) });
  return dir;
}

function requestBody() {
  return JSON.stringify({ inputs: COLS.map((name, i) => ({ name, shape: [1], datatype: 'FP64', data: [Math.sin(i) * 1.5] })) });
}

function load(url, body) {
  return loadTest(url, { body, connections: CONNECTIONS, duration: DURATION });
}
