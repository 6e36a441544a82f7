// Scores the test set: metrics.json, and plot data (late share by hour, ROC curve).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { paddock } from 'paddock';
import { connect, params, rows, sqlString } from './db.mjs';
import { featureVector, predict } from './features.mjs';

const [modelFile, testFile] = process.argv.slice(2);
const { threshold } = params('evaluate');
const model = JSON.parse(readFileSync(modelFile, 'utf8'));
const conn = await connect();
const data = await rows(conn, `SELECT hour, weekday, distance, late FROM read_parquet(${sqlString(testFile)})`);
const scored = data.map((r) => ({ y: Number(r.late), p: predict(model.weights, featureVector(r)) }));
let correct = 0;
let loss = 0;
for (const { y, p } of scored) {
  if ((p >= threshold ? 1 : 0) === y) correct++;
  loss -= y ? Math.log(p + 1e-12) : Math.log(1 - p + 1e-12);
}
const roc = rocCurve(scored);
const metrics = { accuracy: correct / scored.length, auc: roc.auc, log_loss: loss / scored.length, test_rows: scored.length };
writeFileSync('metrics.json', `${JSON.stringify(metrics, null, 2)}\n`);
const run = await paddock.startRun({ experiment: 'quickstart', runName: 'evaluate', tags: { model_run_id: model.run_id } });
run.logMetrics(metrics);
await run.end();
mkdirSync('plots', { recursive: true });
const byHour = await rows(conn, `SELECT hour, round(avg(late), 4) AS late_rate FROM read_parquet(${sqlString(testFile)}) GROUP BY hour ORDER BY hour`);
writeFileSync('plots/late_by_hour.csv', `hour,late_rate\n${byHour.map((r) => `${r.hour},${r.late_rate}`).join('\n')}\n`);
writeFileSync('plots/roc.csv', `fpr,tpr\n${roc.points.map(([f, t]) => `${f.toFixed(4)},${t.toFixed(4)}`).join('\n')}\n`);
console.log(`accuracy ${metrics.accuracy.toFixed(4)}  auc ${metrics.auc.toFixed(4)}  log loss ${metrics.log_loss.toFixed(4)}`);

function rocCurve(items) {
  const sorted = [...items].sort((a, b) => b.p - a.p);
  const pos = sorted.filter((s) => s.y === 1).length;
  const neg = sorted.length - pos;
  const points = [[0, 0]];
  let tp = 0;
  let fp = 0;
  let auc = 0;
  const step = Math.max(1, Math.floor(sorted.length / 50));
  for (let i = 0; i < sorted.length; i++) {
    if (sorted[i].y === 1) tp++;
    else {
      fp++;
      auc += tp;
    }
    if (i % step === 0) points.push([fp / neg, tp / pos]);
  }
  points.push([1, 1]);
  return { points, auc: auc / (pos * neg) };
}
