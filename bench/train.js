// Built-in trainers on the flights data ("arrives more than 15 minutes late"): `paddock train`
// on 1 million rows, then `paddock evaluate` on 200,000 held-out rows. Quality is reported
// beside the majority-class baseline, training time beside scikit-learn on the same split
// (when python3 with scikit-learn is installed; else the reference says n/a).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { ROOT, fmtSeconds, initProject, paddock, removeDir, row, tempDir, time } from './lib.js';

const TRAIN_ROWS = process.env.PADDOCK_BENCH_SMALL ? 100_000 : 1_000_000;
const TEST_ROWS = 200_000;

export async function train() {
  const dir = tempDir('train');
  try {
    initProject(dir);
    const { lateRate } = await writeSplit(dir);
    const majority = Math.max(lateRate, 1 - lateRate);
    const sk = sklearn(dir);
    const rows = [];
    for (const algorithm of ['gbdt', 'linear']) {
      const args = ['train', '--task', 'classification', '--target', 'late', '--data', 'train.parquet', '--algorithm', algorithm, '-o', algorithm, '--no-track', '-q'];
      if (algorithm === 'gbdt') args.push('--params', 'params.yaml');
      const seconds = await time(() => paddock(dir, args));
      paddock(dir, ['evaluate', algorithm, 'test.parquet', '--no-track', '--metrics-file', `${algorithm}.json`, '-q']);
      const m = JSON.parse(readFileSync(path.join(dir, `${algorithm}.json`), 'utf8'));
      const skSeconds = sk?.[`${algorithm}_seconds`];
      rows.push(row(`train ${algorithm} on ${TRAIN_ROWS / 1e6}M flights rows, whole CLI`, fmtSeconds(seconds), skSeconds === undefined ? 'n/a' : fmtSeconds(skSeconds), algorithm === 'gbdt' ? 'scikit-learn HistGradientBoosting, 2 threads' : 'scikit-learn LogisticRegression (lbfgs)', 'recorded', skSeconds === undefined ? '–' : `${(seconds / skSeconds).toFixed(2)}×`, true));
      rows.push(row(`${algorithm}: test ROC AUC (${TEST_ROWS / 1000}k rows)`, m.roc_auc.toFixed(4), `0.5000${sk ? `; sklearn ${sk[`${algorithm}_auc`].toFixed(4)}` : ''}`, 'majority-class baseline', '> baseline', `+${(m.roc_auc - 0.5).toFixed(4)}`, m.roc_auc > 0.5));
      rows.push(row(`${algorithm}: test accuracy`, m.accuracy.toFixed(4), `${majority.toFixed(4)}${sk ? `; sklearn ${sk[`${algorithm}_accuracy`].toFixed(4)}` : ''}`, 'majority-class baseline', '≥ baseline', `${m.accuracy - majority >= 0 ? '+' : ''}${(m.accuracy - majority).toFixed(4)}`, m.accuracy >= majority));
    }
    return rows;
  } finally {
    removeDir(dir);
  }
}

/** The quickstart's features, as Parquet for Paddock and as CSV (origin as a code) for sklearn. */
async function writeSplit(dir) {
  const flights = path.join(ROOT, 'node_modules/vega-datasets/data/flights-3m.parquet').replace(/'/g, "''");
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  await conn.run(`CREATE TABLE f AS SELECT hour(date) AS hour, isodow(date) AS weekday, distance, origin, (delay > 15)::INTEGER AS late,
    hash(file_row_number + 7) % 100 AS bucket FROM read_parquet('${flights}', file_row_number = true)`);
  await conn.run(`CREATE TABLE codes AS SELECT origin, (row_number() OVER (ORDER BY count(*) DESC, origin) - 1) AS code FROM f GROUP BY origin`);
  for (const [name, where, n] of [['train', 'bucket >= 20', TRAIN_ROWS], ['test', 'bucket < 20', TEST_ROWS]]) {
    await conn.run(`CREATE TABLE ${name} AS SELECT hour, weekday, distance, origin, late FROM f WHERE ${where} ORDER BY hash(bucket, hour, distance, origin, weekday) LIMIT ${n}`);
    await conn.run(`COPY ${name} TO '${path.join(dir, `${name}.parquet`)}' (FORMAT parquet)`);
    // sklearn's categorical features take codes below max_bins: rare airports share code 250.
    await conn.run(`COPY (SELECT hour, weekday, distance, least(code, 250) AS origin_code, late FROM ${name} JOIN codes USING (origin)) TO '${path.join(dir, `${name}.csv`)}' (HEADER)`);
  }
  const reader = await conn.runAndReadAll('SELECT avg(late) AS r FROM test');
  const lateRate = Number(reader.getRowObjectsJS()[0].r);
  conn.closeSync();
  instance.closeSync();
  execFileSync('sh', ['-c', `printf 'n_estimators: 100\\nlearning_rate: 0.1\\nmax_depth: 6\\nmin_samples_leaf: 50\\nseed: 7\\n' > params.yaml`], { cwd: dir });
  return { lateRate };
}

/** Debian's python3 (where python3-sklearn installs), else whatever python3 is on PATH. */
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

function sklearn(dir) {
  try {
    return JSON.parse(execFileSync(PYTHON, [path.join(ROOT, 'bench/sklearn-train.py'), dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
  } catch {
    return undefined;
  }
}
