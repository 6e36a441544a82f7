import pg from 'pg';
import { openMetadataStore } from '/work/main/src/storage/sql/open-metadata-store.ts';
const base = 'postgres://postgres@127.0.0.1:5432/test';
const admin = new pg.Client(base); await admin.connect();
const schema = 't_bench_' + Date.now(); await admin.query(`create schema ${schema}`);
const uri = `${base}?options=${encodeURIComponent('-c search_path=' + schema)}`;
let meta = await openMetadataStore(uri, { root: '/', artifactsRoot: '/a' });
const exp = Number(await meta.tracking.createExperiment({ name: 'x' }));
await admin.query(`set search_path=${schema}`);
let t = performance.now();
await admin.query(`insert into runs select lpad(to_hex(i), 32, '0'), ${exp}, 'r'||i, 'b', 'FINISHED', 1700000000000+i, 1700000000000+i, 'a', 'active', null, 0 from generate_series(0, 99999) i`);
await admin.query(`insert into latest_metrics select lpad(to_hex(i), 32, '0'), k, random(), 0, 0, 0 from generate_series(0, 99999) i, (values ('auc'), ('loss')) v(k)`);
await admin.query(`insert into params select lpad(to_hex(i), 32, '0'), 'model', (array['gbdt','linear','rf'])[i%3+1] from generate_series(0, 99999) i`);
await admin.query('analyze');
console.log('seed', (performance.now() - t).toFixed(0));
const queries = [
  { filter: "metrics.auc > 0.9 and params.model = 'gbdt'", orderBy: ['metrics.auc DESC'] },
  { filter: "metrics.auc > 0.5", orderBy: ['metrics.loss DESC'] },
  { filter: "params.model = 'gbdt' or metrics.auc < 0.1", orderBy: ['params.model'] },
  { filter: '', orderBy: [] },
];
for (const q of queries) {
  let best = 1e9;
  for (let i = 0; i < 5; i++) { const t = performance.now(); await meta.tracking.searchRuns({ experimentIds: [String(exp)], maxResults: 100, ...q }); best = Math.min(best, performance.now() - t); }
  console.log(best.toFixed(1), 'ms', JSON.stringify(q));
}
await meta.close(); await admin.query(`drop schema ${schema} cascade`); await admin.end();
