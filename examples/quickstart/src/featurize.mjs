// Derives model features from the landed (validated) flights and writes a deterministic
// train/test split: the test set is a held-out share of the most recent landed month (what the
// model will face next, and the same rows the champion is compared on), the training set a fixed
// sample of everything else. Also the late-arrival rate by hour as a plot file. Runs in DuckDB.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { connect, params, rows, sqlString } from './db.mjs';

const [input, outDir] = process.argv.slice(2);
const p = params('featurize');
mkdirSync(outDir, { recursive: true });
mkdirSync('plots', { recursive: true });
const conn = await connect();
// delay is what the model predicts (late = delay > 15 min), so it is never a feature.
await conn.run(`CREATE TABLE flights AS
  SELECT date, date_trunc('month', date) AS month, hour(date) AS hour, isodow(date) AS weekday, distance, origin, (delay > 15)::INTEGER AS late,
         hash(file_row_number + ${Number(p.seed)}) % 100 AS bucket
  FROM read_parquet(${sqlString(input)}, file_row_number = true)
  WHERE delay IS NOT NULL AND distance IS NOT NULL`);
const [{ latest }] = await rows(conn, `SELECT strftime(max(month), '%Y-%m') AS latest FROM flights`);
const HELD_OUT = `strftime(month, '%Y-%m') = ${sqlString(latest)} AND bucket < ${Number(p.test_percent)}`;
const split = {
  train: { where: `NOT (${HELD_OUT})`, rows: Number(p.train_rows) },
  test: { where: HELD_OUT, rows: Number(p.test_rows) },
};
for (const [name, s] of Object.entries(split)) {
  const file = path.join(outDir, `${name}.parquet`);
  // The first N rows by a hash of the row: a fixed sample, the same on every run.
  await conn.run(`COPY (SELECT hour, weekday, distance, origin, late FROM flights WHERE ${s.where}
    ORDER BY hash(bucket, hour, distance, origin, weekday, date) LIMIT ${s.rows}) TO ${sqlString(file)} (FORMAT parquet)`);
}
await conn.run(`COPY (SELECT hour, round(avg(late), 4) AS late_rate FROM flights GROUP BY hour ORDER BY hour)
  TO 'plots/late_by_hour.csv' (HEADER, DELIMITER ',')`);
const [summary] = await rows(conn, `SELECT count(*) AS n, avg(late) AS late_rate, strftime(min(month), '%Y-%m') AS first FROM flights`);
console.log(`featurized ${summary.n} flights (${summary.first} to ${latest}), ${(summary.late_rate * 100).toFixed(1)}% late; train ${split.train.rows} rows, test ${split.test.rows} rows held out of ${latest}`);
