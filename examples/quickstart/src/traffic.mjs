// The outside world of the quickstart: for each month, the questions a booking site asks the
// served model before the flights leave (a fixed sample of the month's flights, each with its
// flight id, in a shuffled order: the quickstart squeezes a month into a few 10 s windows, and
// each should look like the month, not like one of its weeks) and, kept aside, the answers
// known once they landed: labels to send later, by flight id (the requests' x-request-id). Usage:
//   node src/traffic.mjs <feed.parquet> <out dir> <YYYY-MM>...
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { connect, params, rows, sqlString } from './db.mjs';

const [feed, outDir, ...months] = process.argv.slice(2);
const p = params('traffic');
mkdirSync(outDir, { recursive: true });
const conn = await connect();
for (const month of months) {
  if (!/^\d{4}-\d{2}$/.test(month)) throw new Error(`months are YYYY-MM; got '${month}'`);
  const start = `TIMESTAMP ${sqlString(`${month}-01`)}`;
  await conn.run(`CREATE OR REPLACE TABLE t AS SELECT * FROM (
      SELECT 'flight-' || file_row_number AS flight_id, date, hour(date) AS hour, isodow(date) AS weekday, distance, origin,
             (delay > 15)::INTEGER AS late, file_row_number AS row
      FROM read_parquet(${sqlString(feed)}, file_row_number = true)
      WHERE date >= ${start} AND date < ${start} + INTERVAL 1 MONTH AND delay IS NOT NULL AND distance IS NOT NULL
      ORDER BY hash(row + ${Number(p.seed)}), row LIMIT ${Number(p.rows_per_month)})
    ORDER BY hash(row * 31 + ${Number(p.seed)}), row`);
  const requests = path.join(outDir, `${month}.parquet`);
  const labels = path.join(outDir, `${month}-labels.csv`);
  await conn.run(`COPY (SELECT flight_id, date, hour, weekday, distance, origin FROM t) TO ${sqlString(requests)} (FORMAT parquet)`);
  await conn.run(`COPY (SELECT flight_id AS request_id, late AS label FROM t) TO ${sqlString(labels)} (HEADER, DELIMITER ',')`);
  const [s] = await rows(conn, `SELECT count(*) AS n, avg(late) AS late FROM t`);
  console.log(`${month}: ${s.n} requests → ${requests}; their delays (${(s.late * 100).toFixed(1)}% late) → ${labels}`);
}
