/**
 * Times the built-in GBDT trainer on synthetic data (not a test; run by hand):
 *
 *     npx tsx scripts/time-trainers.ts [rows=1000000] [task=classification|regression]
 *
 * 10 features, 100 trees of depth 6, default params otherwise. Prints the training time and
 * the training loss, so a regression in speed or fit is visible at a glance.
 */
import { parseTrainerParams } from '../src/models/trainers/params.js';
import { SeededRandom } from '../src/models/trainers/random.js';
import { trainModel } from '../src/models/trainers/train-model.js';

const rows = Number(process.argv[2] ?? 1_000_000);
const task = (process.argv[3] ?? 'classification') as 'classification' | 'regression';
const features = 10;
const rng = new SeededRandom(42);
const X = new Float64Array(rows * features);
const y = new Float64Array(rows);
for (let i = 0; i < rows; i++) {
  for (let j = 0; j < features; j++) X[i * features + j] = rng.next() * 4 - 2 + (j === 9 ? Math.floor(rng.next() * 5) : 0);
  const x = X.subarray(i * features, (i + 1) * features);
  const s = Math.sin(2 * x[0]!) + x[1]! * x[2]! - 0.5 * x[3]! ** 2 + 0.3 * x[9]! + (rng.next() - 0.5);
  y[i] = task === 'regression' ? s : s > 0 ? 1 : 0;
}
const params = parseTrainerParams({ algorithm: 'gbdt', n_estimators: 100, max_depth: 6 }, 'time-trainers');
let last: Record<string, number> = {};
const t0 = performance.now();
const model = trainModel({ task, X, rows, features, y, classes: task === 'classification' ? [0, 1] : undefined, params, onIteration: (it) => (last = it.metrics) });
const seconds = (performance.now() - t0) / 1000;
const nodes = model.kind === 'trees' ? model.trees.reduce((s, t) => s + t.feature.length, 0) : 0;
console.log(`${task}: ${rows} rows × ${features} features, 100 trees depth 6: ${seconds.toFixed(2)} s (${nodes} nodes), last metrics ${JSON.stringify(last)}`);
