import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { openMetadataStore } from '/work/main/src/storage/sql/open-metadata-store.ts';
const dir = mkdtempSync('/tmp/pb/s-'); const file = dir + '/s.db';
let meta = await openMetadataStore(`sqlite:${file}`, { root: dir, artifactsRoot: '/a' });
const exp = await meta.tracking.createExperiment({ name: 'x' }); await meta.close();
const db = new Database(file); const T0 = 1.7e12;
const iR = db.prepare("insert into runs values (?, ?, ?, 'b', 'FINISHED', ?, ?, 'a', 'active', null, 0)");
const iM = db.prepare('insert into latest_metrics values (?, ?, ?, 0, 0, ?)'); const iP = db.prepare('insert into params values (?, ?, ?)');
db.transaction(() => { for (let i = 0; i < 100000; i++) { const id = i.toString(16).padStart(32, '0'); iR.run(id, Number(exp), 'r'+i, T0+i, T0+i, ); iM.run(id, 'auc', Math.random(), T0); iM.run(id, 'loss', Math.random(), T0); iP.run(id, 'model', ['gbdt','linear','rf'][i%3]); } })();
db.exec('analyze'); db.close();
meta = await openMetadataStore(`sqlite:${file}`, { root: dir, artifactsRoot: '/a' });
const queries = [
  { filter: "metrics.auc > 0.9 and params.model = 'gbdt'", orderBy: ['metrics.auc DESC'] },
  { filter: "metrics.auc > 0.5", orderBy: ['metrics.loss DESC'] },
  { filter: "params.model = 'gbdt' or metrics.auc < 0.1", orderBy: ['params.model'] },
  { filter: '', orderBy: [] },
];
for (const q of queries) {
  let best = 1e9;
  for (let i = 0; i < 5; i++) { const t = performance.now(); await meta.tracking.searchRuns({ experimentIds: [exp], maxResults: 100, ...q }); best = Math.min(best, performance.now() - t); }
  console.log(best.toFixed(1), 'ms', JSON.stringify(q));
}

await meta.close();
const db2 = new Database(file);
const plan = (s: string, ...a: unknown[]) => { console.log(db2.prepare('explain query plan ' + s).all(...a).map((r: any) => r.detail).join('\n')); let t = performance.now(); db2.prepare(s).all(...a); console.log((performance.now() - t).toFixed(1), 'ms\n'); };
plan(`select runs.* from runs left join latest_metrics o0 on o0.run_uuid = runs.run_uuid and o0.key = 'loss' where runs.experiment_id in (?) and runs.lifecycle_stage in ('active') and runs.run_uuid in (select run_uuid from latest_metrics where key = 'auc' and value > cast(0.5 as double precision)) order by case when o0.run_uuid is null then 2 when o0.is_nan = 1 then 1 else 0 end, o0.value desc, runs.start_time desc, runs.run_uuid asc limit 101`, Number(exp));
plan(`select runs.* from runs left join latest_metrics o0 on o0.run_uuid = runs.run_uuid and o0.key = 'loss' where runs.experiment_id in (?) and runs.lifecycle_stage in ('active') and runs.run_uuid in (select run_uuid from latest_metrics where key = 'auc' and value > cast(0.5 as double precision)) order by o0.value desc, runs.start_time desc, runs.run_uuid asc limit 101`, Number(exp));
plan(`select runs.run_uuid from runs where runs.experiment_id in (?) and runs.lifecycle_stage in ('active') and runs.run_uuid in (select run_uuid from latest_metrics where key = 'auc' and value > cast(0.5 as double precision))`, Number(exp));
plan(`select count(*) from runs where runs.experiment_id in (?) and runs.lifecycle_stage in ('active') and exists (select 1 from latest_metrics m where m.run_uuid = runs.run_uuid and key = 'auc' and value > cast(0.5 as double precision))`, Number(exp));
