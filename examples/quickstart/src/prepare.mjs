// Reads the raw flights, derives features and writes a deterministic train/test split.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { connect, params, rows, sqlString } from './db.mjs';

const [input, outDir] = process.argv.slice(2);
const { test_percent: testPercent, seed } = params('prepare');
mkdirSync(outDir, { recursive: true });
const conn = await connect();
await conn.run(`CREATE TABLE flights AS
  SELECT hour(date) AS hour, isodow(date) AS weekday, distance, delay, (delay > 15)::INTEGER AS late,
         hash(file_row_number + ${Number(seed)}) % 100 AS bucket
  FROM read_parquet(${sqlString(input)}, file_row_number = true)
  WHERE delay IS NOT NULL AND distance IS NOT NULL`);
for (const [name, cond] of [['train', `bucket >= ${Number(testPercent)}`], ['test', `bucket < ${Number(testPercent)}`]]) {
  const file = path.join(outDir, `${name}.parquet`);
  await conn.run(`COPY (SELECT hour, weekday, distance, delay, late FROM flights WHERE ${cond}) TO ${sqlString(file)} (FORMAT parquet)`);
}
const [summary] = await rows(conn, `SELECT count(*) AS n, sum(CASE WHEN bucket < ${Number(testPercent)} THEN 1 ELSE 0 END) AS test, avg(late) AS late_rate FROM flights`);
console.log(`prepared ${summary.n} flights (${summary.test} for test), ${(summary.late_rate * 100).toFixed(1)}% late`);
