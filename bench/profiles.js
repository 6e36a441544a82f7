// Profiling throughput on the prediction path (issue 6): a 5-column profile (delay, distance and
// hour of day numeric; origin and destination categorical) of the 3-million-row flights file,
// on one core, against a reference profile of January's flights (quantile bins, top-100
// categories). Beside it, in the same run: a plain JS loop that computes only count and sum per
// column over the same arrays (the floor of touching every value once), and DuckDB's SUMMARIZE
// of the same table on one thread. Then bytes per column of the serialized profile at 10 million
// rows (the flights arrays fed again until 10M), against the raw column size.
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { ProfileBuilder, buildReferenceProfile } from '../src/monitoring/profiles/index.ts';
import { ROOT, best, fmtSeconds, removeDir, row, tempDir } from './lib.js';

const FLIGHTS = path.join(ROOT, 'node_modules/vega-datasets/data/flights-3m.parquet');
const SMALL = Boolean(process.env.PADDOCK_BENCH_SMALL);
const BATCH = 65_536;
const BIG = SMALL ? 3_000_000 : 10_000_000;
const SELECT = `CAST(delay AS DOUBLE) AS delay, CAST(distance AS DOUBLE) AS distance, hour(date) + minute(date) / 60.0 AS hour, origin, destination`;
const NUMERIC = ['delay', 'distance', 'hour'];
const CATEGORICAL = ['origin', 'destination'];

export async function profiles() {
  const dir = tempDir('profiles');
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    const sql = (text) => conn.runAndReadAll(text);
    const source = `read_parquet('${FLIGHTS.replace(/'/g, "''")}')`;
    const january = path.join(dir, 'january.parquet');
    await sql(`COPY (SELECT ${SELECT} FROM ${source} WHERE month(date) = 1) TO '${january}' (FORMAT parquet)`);
    const reference = await buildReferenceProfile(january);
    await sql(`CREATE TABLE flights AS SELECT ${SELECT} FROM ${source}${SMALL ? ' LIMIT 1000000' : ''}`);
    const batches = await readBatches(sql);
    const rows = batches.reduce((n, b) => n + b.rows, 0);

    const profileOnce = () => {
      const builder = new ProfileBuilder(reference.spec);
      for (const b of batches) builder.ingest(b.columns, b.rows);
      return builder;
    };
    const check = profileOnce().summary();
    if (check.rows !== rows || check.columns.delay.count !== rows) throw new Error('profile bench: the profile did not see every row');
    const ours = await best(3, profileOnce);
    const floor = await best(3, () => countAndSum(batches));
    await sql('SET threads = 1');
    const summarize = await best(3, () => sql('SUMMARIZE flights'));
    const rate = (s) => `${Math.round(rows / s / 1000).toLocaleString('en-US')}k rows/s`;
    const name = `profile 5 columns (3 numeric, 2 categorical) of ${(rows / 1e6).toFixed(0)}M flights rows, one core`;
    const out = [
      row(name, `${rate(ours)} (${fmtSeconds(ours)})`, `${rate(floor)} (${fmtSeconds(floor)})`, 'plain JS loop: count and sum per column only', '≥ 1,000k rows/s', `${(ours / floor).toFixed(1)}× the loop's time`, rows / ours >= 1e6),
      row(`${name}, against DuckDB`, `${rate(ours)} (${fmtSeconds(ours)})`, `${rate(summarize)} (${fmtSeconds(summarize)})`, 'DuckDB SUMMARIZE of the same table, 1 thread', 'report', `${(summarize / ours).toFixed(1)}× faster`, null),
    ];
    out.push(bytesPerColumn(reference.spec, batches, rows));
    return out;
  } finally {
    conn.closeSync();
    instance.closeSync();
    removeDir(dir);
  }
}

/** The table in batches of BATCH rows: Float64Array numerics, string arrays for categories (sliced once, outside the timings). */
async function readBatches(sql) {
  const result = await sql(`SELECT ${[...NUMERIC, ...CATEGORICAL].join(', ')} FROM flights`);
  const cols = result.getColumnsJS();
  const numeric = NUMERIC.map((_, i) => Float64Array.from(cols[i], (v) => (v === null ? NaN : v)));
  const n = numeric[0].length;
  const batches = [];
  for (let at = 0; at < n; at += BATCH) {
    const end = Math.min(n, at + BATCH);
    const columns = {};
    NUMERIC.forEach((c, i) => (columns[c] = numeric[i].subarray(at, end)));
    CATEGORICAL.forEach((c, i) => (columns[c] = cols[NUMERIC.length + i].slice(at, end)));
    batches.push({ rows: end - at, columns });
  }
  return batches;
}

/** The floor: one pass per column, count of non-null values and sum of numbers. */
function countAndSum(batches) {
  const totals = new Float64Array(10);
  for (const b of batches) {
    NUMERIC.forEach((c, i) => {
      const values = b.columns[c];
      let sum = 0;
      let count = 0;
      for (let r = 0; r < values.length; r++) {
        const v = values[r];
        if (v === v) {
          sum += v;
          count++;
        }
      }
      totals[2 * i] += count;
      totals[2 * i + 1] += sum;
    });
    CATEGORICAL.forEach((c, i) => {
      const values = b.columns[c];
      let count = 0;
      for (let r = 0; r < values.length; r++) if (values[r] !== null) count++;
      totals[6 + i] += count;
    });
  }
  return totals;
}

/** Serialized bytes per column once BIG rows went through (the flights batches again and again). */
function bytesPerColumn(spec, batches, rows) {
  const builder = new ProfileBuilder(spec);
  let fed = 0;
  while (fed < BIG) {
    for (const b of batches) {
      const take = Math.min(b.rows, BIG - fed);
      if (take <= 0) break;
      builder.ingest(take === b.rows ? b.columns : sliceBatch(b.columns, take), take);
      fed += take;
    }
  }
  const json = builder.toJSON();
  const sizes = json.columns.map((c) => JSON.stringify(c).length);
  const total = JSON.stringify(json).length;
  const perColumn = total / json.columns.length;
  const detail = json.columns.map((c, i) => `${c.name} ${(sizes[i] / 1024).toFixed(1)}`).join(', ');
  return row(
    `serialized profile per column at ${(fed / 1e6).toFixed(0)}M rows (KiB: ${detail})`,
    `${(perColumn / 1024).toFixed(1)} KiB`, `${((fed * 8) / 2 ** 20).toFixed(0)} MiB`, 'the raw column as float64',
    '< 32 KiB, whatever the rows', `${((perColumn / (fed * 8)) * 100).toFixed(3)} %`, perColumn < 32 * 1024 && rows > 0,
  );
}

function sliceBatch(columns, n) {
  return Object.fromEntries(Object.entries(columns).map(([k, v]) => [k, v.subarray ? v.subarray(0, n) : v.slice(0, n)]));
}
