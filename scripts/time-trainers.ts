/**
 * Times the built-in GBDT trainer on synthetic data (not a test; run by hand):
 *
 *     npx tsx scripts/time-trainers.ts [rows=1000000] [mode=classification|regression|onehot]
 *
 * classification / regression: 10 dense features, default params otherwise.
 * onehot: shaped like the flights bench (`npm run bench -- train`): hour, weekday, distance and
 * a 30-level categorical one-hot encoded into 30 binary columns (33 features), binary target,
 * min_samples_leaf 50, seed 7.
 *
 * 100 trees of depth 6. Prints the training time, the training loss and a hash of the tree
 * structure (features, thresholds, children), so a change in speed, fit or chosen splits is
 * visible at a glance.
 */
import { createHash } from 'node:crypto';
import { parseTrainerParams } from '../src/models/trainers/params.js';
import { SeededRandom } from '../src/models/trainers/random.js';
import { trainModel } from '../src/models/trainers/train-model.js';

const rows = Number(process.argv[2] ?? 1_000_000);
const mode = (process.argv[3] ?? 'classification') as 'classification' | 'regression' | 'onehot';
const task = mode === 'regression' ? 'regression' : 'classification';
const rng = new SeededRandom(42);

function denseData(): { X: Float64Array; y: Float64Array; features: number } {
  const features = 10;
  const X = new Float64Array(rows * features);
  const y = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < features; j++) X[i * features + j] = rng.next() * 4 - 2 + (j === 9 ? Math.floor(rng.next() * 5) : 0);
    const x = X.subarray(i * features, (i + 1) * features);
    const s = Math.sin(2 * x[0]!) + x[1]! * x[2]! - 0.5 * x[3]! ** 2 + 0.3 * x[9]! + (rng.next() - 0.5);
    y[i] = task === 'regression' ? s : s > 0 ? 1 : 0;
  }
  return { X, y, features };
}

/** Flights-like rows: ~20% positives, weak signal spread over hour, distance and origin. */
function oneHotData(): { X: Float64Array; y: Float64Array; features: number } {
  const levels = 30;
  const features = 3 + levels;
  // Zipf-like airport shares, the last level an "other" bucket.
  const weights = Array.from({ length: levels }, (_, k) => (k === levels - 1 ? 3 : 1 / (k + 1)));
  const total = weights.reduce((s, w) => s + w, 0);
  const cumulative = weights.map((_, k) => weights.slice(0, k + 1).reduce((s, w) => s + w, 0) / total);
  const effect = Array.from({ length: levels }, () => rng.next() - 0.5);
  const X = new Float64Array(rows * features);
  const y = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const hour = Math.floor(rng.next() * 19) + 5;
    const weekday = Math.floor(rng.next() * 7) + 1;
    const distance = Math.round(100 + 2500 * rng.next() ** 2);
    const u = rng.next();
    let origin = 0;
    while (origin < levels - 1 && u > cumulative[origin]!) origin++;
    const row = i * features;
    X[row] = hour;
    X[row + 1] = weekday;
    X[row + 2] = distance;
    X[row + 3 + origin] = 1;
    const logit = -1.6 + 0.06 * (hour - 14) + 0.1 * (weekday === 5 ? 1 : 0) - 0.0001 * distance + effect[origin]!;
    y[i] = rng.next() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
  }
  return { X, y, features };
}

const { X, y, features } = mode === 'onehot' ? oneHotData() : denseData();
const params = parseTrainerParams({ algorithm: 'gbdt', n_estimators: 100, max_depth: 6, ...(mode === 'onehot' ? { min_samples_leaf: 50, seed: 7 } : {}) }, 'time-trainers');
let last: Record<string, number> = {};
const t0 = performance.now();
const model = trainModel({ task, X, rows, features, y, classes: task === 'classification' ? [0, 1] : undefined, params, onIteration: (it) => (last = it.metrics) });
const seconds = (performance.now() - t0) / 1000;
const trees = model.kind === 'trees' ? model.trees : [];
const nodes = trees.reduce((s, t) => s + t.feature.length, 0);
const structure = createHash('sha256');
for (const t of trees) for (const a of [t.feature, t.threshold, t.left, t.right]) structure.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
console.log(
  `${mode}: ${rows} rows × ${features} features, 100 trees depth 6: ${seconds.toFixed(2)} s (${nodes} nodes, structure ${structure.digest('hex').slice(0, 12)}), last metrics ${JSON.stringify(last)}`,
);
