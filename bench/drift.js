// A full drift report over 1,000,000 current rows × 5 columns against a 1,000,000-row reference
// (flights-3m.parquet: January–February as the reference, May–June as current; delay, distance,
// hour, origin, destination), beside SciPy/NumPy running the same tests on the same data.
// Three Paddock figures: in memory with the reference prepared as its profile keeps it (sorted
// values, category counts) and the current window as raw values (its sort and counting timed);
// the same with KS added on each numeric column; and from the two Parquet files (reading through
// DuckDB included). SciPy's rows time the tests on arrays already loaded; its functions sort both
// samples themselves, as they have no prepared reference. Skipped, saying why, without SciPy.
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { countValues, driftBetweenFiles, driftReport, numericSample } from '../src/monitoring/drift/index.ts';
import { ROOT, best, fmtSeconds, removeDir, row, tempDir } from './lib.js';

const PYTHON = '/usr/bin/python3';
const NUMERIC = ['delay', 'distance', 'hour'];
const CATEGORICAL = ['origin', 'destination'];

async function prepare(dir, rows) {
  const data = path.join(ROOT, 'node_modules/vega-datasets/data/flights-3m.parquet').replace(/'/g, "''");
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  const select = (months) => `SELECT delay, distance, hour(date) AS hour, origin, destination FROM read_parquet('${data}') WHERE month(date) IN (${months}) LIMIT ${rows}`;
  const columns = {};
  for (const [side, months] of [['ref', '1, 2'], ['cur', '5, 6']]) {
    await conn.run(`COPY (${select(months)}) TO '${path.join(dir, `${side}.parquet`)}' (FORMAT parquet)`);
    const reader = await conn.runAndReadAll(`SELECT * FROM read_parquet('${path.join(dir, `${side}.parquet`)}')`);
    const cols = reader.getColumnsJS();
    const names = reader.columnNames();
    columns[side] = {};
    names.forEach((n, i) => {
      if (NUMERIC.includes(n)) {
        const values = Float64Array.from(cols[i], Number);
        columns[side][n] = values;
        writeFileSync(path.join(dir, `${side}_${n}.f64`), Buffer.from(values.buffer));
      } else {
        columns[side][n] = cols[i];
        writeFileSync(path.join(dir, `${side}_${n}.txt`), `${cols[i].join('\n')}\n`);
      }
    });
  }
  conn.closeSync();
  instance.closeSync();
  return columns;
}

function scipy(dir) {
  const probe = spawnSync(PYTHON, ['-c', 'import scipy, numpy'], { encoding: 'utf8' });
  if (!existsSync(PYTHON) || probe.status !== 0) return { skipped: `${PYTHON} lacks scipy/numpy (Debian: python3-scipy)` };
  const r = spawnSync(PYTHON, [path.join(ROOT, 'bench/python/drift_scipy.py'), dir, NUMERIC.join(','), CATEGORICAL.join(',')], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`drift_scipy.py failed:\n${r.stderr}`);
  return JSON.parse(r.stdout);
}

export async function drift() {
  const rows = process.env.PADDOCK_BENCH_SMALL ? 100_000 : 1_000_000;
  const dir = tempDir('drift');
  try {
    const data = await prepare(dir, rows);
    // The reference as a profile keeps it: sorted numeric values, category counts.
    const reference = new Map([...NUMERIC.map((c) => [c, numericSample(data.ref[c])]), ...CATEGORICAL.map((c) => [c, { kind: 'categorical', counts: countValues(data.ref[c]) }])]);
    const run = (tests) => {
      const current = new Map([...NUMERIC.map((c) => [c, numericSample(data.cur[c])]), ...CATEGORICAL.map((c) => [c, { kind: 'categorical', counts: countValues(data.cur[c]) }])]);
      return driftReport(reference, current, { tests });
    };
    const ks = Object.fromEntries(NUMERIC.map((c) => [c, 'ks']));
    const report = run();
    const inMemory = await best(5, () => run());
    const withKs = await best(5, () => run(ks));
    const unprepared = await best(3, () => {
      const side = (s) => new Map([...NUMERIC.map((c) => [c, numericSample(data[s][c])]), ...CATEGORICAL.map((c) => [c, { kind: 'categorical', counts: countValues(data[s][c]) }])]);
      return driftReport(side('ref'), side('cur'));
    });
    const refFile = path.join(dir, 'ref.parquet');
    const curFile = path.join(dir, 'cur.parquet');
    const files = await best(3, () => driftBetweenFiles(refFile, curFile));
    const py = scipy(dir);
    const size = `${rows / 1e6}M × 5 columns vs ${rows / 1e6}M reference`;
    const scores = report.columns.map((c) => `${c.column} ${c.test} ${c.score.toPrecision(4)}`).join(', ');
    process.stderr.write(`  drift scores: ${scores}; dataset drift ${report.datasetDrift}\n`);
    if (!py.skipped) {
      for (const c of report.columns) {
        const theirs = py.default.scores[c.column];
        if (Math.abs(theirs - c.score) > 1e-6 * Math.max(1, Math.abs(theirs))) throw new Error(`drift bench: ${c.column} score ${c.score} differs from SciPy's ${theirs}`);
      }
    }
    const ref = (key) => (py.skipped ? `skipped: ${py.skipped}` : fmtSeconds(py[key].seconds));
    const ratio = (ours, key) => (py.skipped ? '–' : `${(ours / py[key].seconds).toFixed(2)}×`);
    return [
      row(`drift report ${size}, in memory (reference prepared, current sorted/counted in the timing)`, fmtSeconds(inMemory), ref('default'), 'SciPy/NumPy: wasserstein_distance/std, jensenshannon', '< 1 s', ratio(inMemory, 'default'), inMemory < 1),
      row(`drift report ${size}, in memory, reference not prepared (both sides sorted/counted in the timing)`, fmtSeconds(unprepared), ref('default'), 'SciPy/NumPy: wasserstein_distance/std, jensenshannon', 'report', ratio(unprepared, 'default'), null),
      row(`drift report ${size} with KS p-values on the 3 numeric columns, in memory`, fmtSeconds(withKs), ref('with_ks'), 'SciPy/NumPy: same + ks_2samp', 'report', ratio(withKs, 'with_ks'), null),
      row(`drift report ${size} from the two Parquet files (DuckDB reading and sorting included)`, fmtSeconds(files), ref('default'), 'SciPy/NumPy on loaded arrays, reading not timed', 'report', ratio(files, 'default'), null),
    ];
  } finally {
    removeDir(dir);
  }
}
