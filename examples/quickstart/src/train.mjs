// Fits a logistic regression by mini-batch gradient descent on a sample of the training set.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { paddock } from 'paddock';
import { connect, params, rows, sqlString } from './db.mjs';
import { FEATURES, featureVector, predict } from './features.mjs';

const [input, output] = process.argv.slice(2);
const p = params('train');
// Inside `paddock repro` the run is linked to this stage, its params, its data and the commit.
const run = await paddock.startRun({ experiment: 'quickstart', runName: 'train' });
const conn = await connect();
const data = await rows(conn, `SELECT hour, weekday, distance, late FROM read_parquet(${sqlString(input)}) USING SAMPLE ${Number(p.sample_rows)} ROWS (reservoir, 7)`);
const xs = data.map(featureVector);
const ys = data.map((r) => Number(r.late));
const w = new Array(FEATURES.length).fill(0);
const batch = 1000;
for (let epoch = 0; epoch < p.epochs; epoch++) {
  let loss = 0;
  for (let start = 0; start < xs.length; start += batch) {
    const grad = new Array(w.length).fill(0);
    const end = Math.min(start + batch, xs.length);
    for (let i = start; i < end; i++) {
      const pr = predict(w, xs[i]);
      const err = pr - ys[i];
      loss -= ys[i] ? Math.log(pr + 1e-12) : Math.log(1 - pr + 1e-12);
      for (let j = 0; j < w.length; j++) grad[j] += err * xs[i][j];
    }
    for (let j = 0; j < w.length; j++) w[j] -= p.learning_rate * (grad[j] / (end - start) + p.l2 * w[j]);
  }
  run.logMetric('train_log_loss', loss / xs.length, epoch + 1);
  console.log(`epoch ${epoch + 1}/${p.epochs} log loss ${(loss / xs.length).toFixed(4)}`);
}
mkdirSync(path.dirname(output), { recursive: true });
writeFileSync(output, `${JSON.stringify({ type: 'logistic-regression', features: FEATURES, weights: w, trained_on: xs.length, run_id: run.runId }, null, 2)}\n`);
await run.logArtifact(output, 'model');
await run.end();
console.log(`tracked as run ${run.runId}`);
