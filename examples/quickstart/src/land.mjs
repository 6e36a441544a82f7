// The airline's feed lands: writes every flight of the feed that departed before the end of the
// given month (with its actual delay) to the landed-data file the pipeline trains from. Run
// again with a later month, it rewrites the file with more months: a new data version for
// `paddock add`. Usage: node src/land.mjs <feed.parquet> <out.parquet> <through YYYY-MM>
import { renameSync } from 'node:fs';
import { connect, rows, sqlString } from './db.mjs';

const [feed, out, through] = process.argv.slice(2);
if (!/^\d{4}-\d{2}$/.test(through ?? '')) throw new Error(`usage: node src/land.mjs <feed.parquet> <out.parquet> <through YYYY-MM>; got '${through}'`);
const end = `TIMESTAMP ${sqlString(`${through}-01`)} + INTERVAL 1 MONTH`;
const conn = await connect();
const tmp = `${out}.tmp`;
// Ordered by departure, then by the feed's own order, so the same months make the same bytes.
await conn.run(`COPY (SELECT * EXCLUDE (file_row_number) FROM read_parquet(${sqlString(feed)}, file_row_number = true)
  WHERE date < ${end} ORDER BY date, file_row_number) TO ${sqlString(tmp)} (FORMAT parquet)`);
renameSync(tmp, out);
const [s] = await rows(conn, `SELECT count(*) AS n, min(date) AS first, max(date) AS last, avg((delay > 15)::INTEGER) AS late FROM read_parquet(${sqlString(out)})`);
const day = (d) => new Date(d).toISOString().slice(0, 10);
console.log(`landed ${s.n} flights, ${day(s.first)} to ${day(s.last)}, ${(s.late * 100).toFixed(1)}% of them late`);
