// `paddock validate` of the 3-million-row flights file against its inferred schema (the whole
// CLI process), beside a plain in-process DuckDB SUMMARIZE of the same file (a full profile).
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { ROOT, best, fmtSeconds, paddock, removeDir, row, tempDir } from './lib.js';

export async function validate() {
  const data = path.join(ROOT, 'node_modules/vega-datasets/data/flights-3m.parquet');
  const dir = tempDir('validate');
  try {
    paddock(dir, ['validate', 'infer', data, '-o', 'schema.yaml']);
    const ours = await best(5, () => paddock(dir, ['validate', data, '--schema', 'schema.yaml', '-q']));
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    const summarize = await best(5, () => conn.runAndReadAll(`SUMMARIZE SELECT * FROM read_parquet('${data.replace(/'/g, "''")}')`));
    conn.closeSync();
    instance.closeSync();
    return [row('validate flights-3m.parquet (3M rows) vs its schema, whole CLI', fmtSeconds(ours), fmtSeconds(summarize), 'DuckDB SUMMARIZE in-process', '< 1.5 s', `${(ours / summarize).toFixed(1)}×`, ours < 1.5)];
  } finally {
    removeDir(dir);
  }
}
