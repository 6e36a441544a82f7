// Derives model features from the raw (validated) flights and writes a deterministic
// train/test split of January–April, a replay sample of May–June (the "later months" the
// quickstart sends to the served model as traffic), and the late-arrival rate by hour as a
// plot file. Runs in DuckDB.
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
  SELECT date, hour(date) AS hour, isodow(date) AS weekday, distance, origin, (delay > 15)::INTEGER AS late,
         hash(file_row_number + ${Number(p.seed)}) % 100 AS bucket, file_row_number AS row
  FROM read_parquet(${sqlString(input)}, file_row_number = true)
  WHERE delay IS NOT NULL AND distance IS NOT NULL`);
// The model learns from January–April; May–June are the months it will be asked about.
const LEARN = `date < TIMESTAMP '2001-05-01'`;
const LATER = `date >= TIMESTAMP '2001-05-01' AND date < TIMESTAMP '2001-07-01'`;
const split = {
  train: { where: `${LEARN} AND bucket >= ${Number(p.test_percent)}`, rows: Number(p.train_rows) },
  test: { where: `${LEARN} AND bucket < ${Number(p.test_percent)}`, rows: Number(p.test_rows) },
};
for (const [name, s] of Object.entries(split)) {
  const file = path.join(outDir, `${name}.parquet`);
  // The first N rows by a hash of the row: a fixed sample, the same on every run.
  await conn.run(`COPY (SELECT hour, weekday, distance, origin, late FROM flights WHERE ${s.where}
    ORDER BY hash(bucket, hour, distance, origin, weekday) LIMIT ${s.rows}) TO ${sqlString(file)} (FORMAT parquet)`);
}
// A fixed sample of the later months, in the order the flights left: traffic to replay.
const replayRows = Number(p.replay_rows);
await conn.run(`COPY (SELECT hour, weekday, distance, origin, late FROM (
    SELECT * FROM flights WHERE ${LATER} ORDER BY hash(row + ${Number(p.seed)}), row LIMIT ${replayRows})
  ORDER BY date, row) TO ${sqlString(path.join(outDir, 'replay.parquet'))} (FORMAT parquet)`);
await conn.run(`COPY (SELECT hour, round(avg(late), 4) AS late_rate FROM flights GROUP BY hour ORDER BY hour)
  TO 'plots/late_by_hour.csv' (HEADER, DELIMITER ',')`);
const [summary] = await rows(conn, `SELECT count(*) AS n, avg(late) AS late_rate FROM flights`);
console.log(`featurized ${summary.n} flights, ${(summary.late_rate * 100).toFixed(1)}% late; train ${split.train.rows} rows, test ${split.test.rows} rows (January–April); replay ${replayRows} rows (May–June)`);
