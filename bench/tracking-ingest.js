// Tracking store benchmarks: 1,000,000 metric points ingested through the SQL store and through
// the HTTP API (MLflow log-batch), beside plain better-sqlite3 one-row-per-point inserts with an
// index (the layout a naive store would use) measured in the same run; and search-runs over
// 100,000 runs with a metric filter and order by, beside the same query hand-written in SQL.
import { spawn } from 'node:child_process';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { fmtSeconds, removeDir, ROOT, row, tempDir, time } from './lib.js';
import { openMetadataStore } from '../src/storage/sql/open-metadata-store.ts';

const SMALL = Boolean(process.env.PADDOCK_BENCH_SMALL);
const POINTS = SMALL ? 100_000 : 1_000_000;
const RUNS = SMALL ? 10_000 : 100_000;
const KEYS = 10;
// Best of a few tries (each into a fresh run): these machines are shared and noisy.
const TRIES = 3;
const T0 = 1_700_000_000_000;

/** Batches of `size` points over KEYS keys, steps ascending per key (a training loop's shape). */
function makeBatches(total, size) {
  const out = [];
  for (let b = 0; b < total / size; b++) {
    const metrics = new Array(size);
    for (let i = 0; i < size; i++) {
      const step = b * (size / KEYS) + Math.floor(i / KEYS);
      metrics[i] = { key: `m${i % KEYS}`, value: Math.sin(step / 100) + (i % KEYS), step, timestamp: T0 + step };
    }
    out.push(metrics);
  }
  return out;
}

/** Reference: one row per point, indexed by (run, key, step), all in one transaction. */
function referenceIngest(dir, batches) {
  const db = new Database(path.join(dir, 'reference.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('create table metrics (run_uuid text, key text, value real, step integer, timestamp integer); create index metrics_series on metrics (run_uuid, key, step)');
  const insert = db.prepare('insert into metrics values (?, ?, ?, ?, ?)');
  const run = 'f'.repeat(32);
  const seconds = timeSync(() => {
    db.exec('begin');
    for (const batch of batches) for (const m of batch) insert.run(run, m.key, m.value, m.step, m.timestamp);
    db.exec('commit');
  });
  db.close();
  return seconds;
}

function timeSync(fn) {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

async function storeIngest(dir, batches) {
  const meta = await openMetadataStore('sqlite:store.db', { root: dir, artifactsRoot: path.join(dir, 'artifacts') });
  let best = Infinity;
  for (let i = 0; i < TRIES; i++) {
    const run = await meta.tracking.createRun({ experimentId: '0' });
    best = Math.min(best, await time(async () => {
      for (const metrics of batches) await meta.tracking.logBatch(run.info.runId, { metrics });
    }));
    const stored = (await meta.tracking.getMetricHistory(run.info.runId, 'm0')).items.length;
    if (stored !== POINTS / KEYS) throw new Error(`store ingest kept ${stored} points of m0, expected ${POINTS / KEYS}`);
  }
  await meta.close();
  return best;
}

/** The same store ingest on PostgreSQL (fresh schema), when a server is reachable; else undefined. */
async function postgresIngest(batches) {
  const uri = process.env.PADDOCK_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test';
  const admin = new pg.Client({ connectionString: uri, connectionTimeoutMillis: 2000 });
  try {
    await admin.connect();
  } catch {
    return undefined;
  }
  const schema = `bench_${Date.now()}`;
  await admin.query(`create schema ${schema}`);
  try {
    const meta = await openMetadataStore(`${uri}${uri.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`, { root: ROOT, artifactsRoot: '/artifacts' });
    let best = Infinity;
    for (let i = 0; i < TRIES; i++) {
      const run = await meta.tracking.createRun({ experimentId: '0' });
      best = Math.min(best, await time(async () => {
        for (const metrics of batches) await meta.tracking.logBatch(run.info.runId, { metrics });
      }));
    }
    await meta.close();
    return best;
  } finally {
    await admin.query(`drop schema ${schema} cascade`);
    await admin.end();
  }
}

/** A Paddock server in its own process (as deployed), on a fresh SQLite store. */
async function startServerProcess() {
  const script = `import { startTestServer } from './src/http/test-server.ts';
const s = await startTestServer({ limits: { maxBatchMetrics: 1_000_000, bodyLimitBytes: 512 * 2 ** 20 } });
const runIds = [];
for (let i = 0; i < ${TRIES}; i++) runIds.push((await s.tracking.createRun({ experimentId: '0' })).info.runId);
process.stdout.write(JSON.stringify({ url: s.url, runIds }) + '\\n');
process.stdin.on('end', async () => { await s.close(); process.exit(0); });
process.stdin.resume();`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  const info = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve(JSON.parse(out));
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return { ...info, stop: () => new Promise((resolve) => { child.on('exit', resolve); child.stdin.end(); }) };
}

async function httpIngest(batches) {
  const server = await startServerProcess();
  try {
    let best = Infinity;
    for (const runId of server.runIds) {
      // Bodies are made before the clock starts: the client's JSON.stringify is not the server's work.
      const bodies = batches.map((metrics) => JSON.stringify({ run_id: runId, metrics }));
      best = Math.min(best, await time(async () => {
        for (const body of bodies) {
          const res = await fetch(`${server.url}/api/2.0/mlflow/runs/log-batch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
          if (res.status !== 200) throw new Error(`log-batch answered ${res.status}: ${await res.text()}`);
          await res.arrayBuffer();
        }
      }));
      const res = await fetch(`${server.url}/api/2.0/mlflow/metrics/get-history?run_id=${runId}&metric_key=m0`);
      const stored = (await res.json()).metrics?.length;
      if (stored !== POINTS / KEYS) throw new Error(`HTTP ingest kept ${stored} points of m0, expected ${POINTS / KEYS}`);
    }
    return best;
  } finally {
    await server.stop();
  }
}

/** Fills `runs` runs straight through SQL (creating 100k runs one call at a time is not what is measured). */
function seedRuns(file, experimentId, runs) {
  const db = new Database(file);
  const models = ['gbdt', 'linear', 'rf'];
  const insertRun = db.prepare("insert into runs values (?, ?, ?, 'bench', 'FINISHED', ?, ?, ?, 'active', null, 0)");
  const insertMetric = db.prepare('insert into latest_metrics values (?, ?, ?, 0, 0, ?)');
  const insertParam = db.prepare('insert into params values (?, ?, ?)');
  const insertTag = db.prepare('insert into tags values (?, ?, ?)');
  let seed = 42;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  db.transaction(() => {
    for (let i = 0; i < runs; i++) {
      const id = i.toString(16).padStart(32, '0');
      insertRun.run(id, experimentId, `run-${i}`, T0 + i, T0 + i + 1000, `/artifacts/${experimentId}/${id}/artifacts`);
      insertMetric.run(id, 'auc', random(), T0 + i);
      insertMetric.run(id, 'loss', random(), T0 + i);
      insertParam.run(id, 'model', models[i % 3]);
      insertParam.run(id, 'lr', String(random()));
      insertTag.run(id, 'mlflow.runName', `run-${i}`);
    }
  })();
  db.exec('analyze');
  db.close();
}

async function searchBench(dir) {
  const file = path.join(dir, 'search.db');
  let meta = await openMetadataStore(`sqlite:${file}`, { root: dir, artifactsRoot: '/artifacts' });
  const exp = await meta.tracking.createExperiment({ name: 'search-bench' });
  await meta.close();
  seedRuns(file, Number(exp), RUNS);
  meta = await openMetadataStore(`sqlite:${file}`, { root: dir, artifactsRoot: '/artifacts' });
  const db = new Database(file, { readonly: true });
  const cases = [
    {
      // The common case: filter on the metric the list is sorted by (walks the index in order).
      query: { experimentIds: [exp], filter: "metrics.auc > 0.9 and params.model = 'gbdt'", orderBy: ['metrics.auc DESC'], maxResults: 100 },
      reference: db.prepare(`select r.* from runs r join latest_metrics m on m.run_uuid = r.run_uuid and m.key = 'auc'
        join params p on p.run_uuid = r.run_uuid and p.key = 'model'
        where r.experiment_id = ? and r.lifecycle_stage = 'active' and m.value > 0.9 and p.value = 'gbdt'
        order by m.value desc limit 100`),
    },
    {
      // The hard case: half the runs match one metric, sorted by another (a sort of every match).
      query: { experimentIds: [exp], filter: 'metrics.auc > 0.5', orderBy: ['metrics.loss DESC'], maxResults: 100 },
      reference: db.prepare(`select r.* from runs r join latest_metrics m on m.run_uuid = r.run_uuid and m.key = 'auc'
        left join latest_metrics o on o.run_uuid = r.run_uuid and o.key = 'loss'
        where r.experiment_id = ? and r.lifecycle_stage = 'active' and m.value > 0.5
        order by o.value is null, o.value desc limit 100`),
    },
  ];
  const out = [];
  for (const c of cases) {
    let found = 0;
    const ours = await bestOf(5, async () => {
      found = (await meta.tracking.searchRuns(c.query)).items.length;
    });
    if (found !== 100) throw new Error(`search found ${found} runs, expected a full page of 100`);
    const reference = await bestOf(5, () => c.reference.all(Number(exp)));
    out.push({ ours, reference, query: c.query });
  }
  db.close();
  await meta.close();
  return out;
}

async function bestOf(n, fn) {
  let min = Infinity;
  for (let i = 0; i < n; i++) min = Math.min(min, await time(fn));
  return min;
}

const ratio = (ours, reference) => `${(reference / ours).toFixed(1)}× faster`;
const rate = (s) => `${fmtSeconds(s)} (${Math.round(POINTS / s / 1000)}k pts/s)`;

export async function trackingIngest() {
  const dir = tempDir('tracking');
  try {
    const batches = makeBatches(POINTS, 10_000);
    const reference = referenceIngest(dir, batches);
    const store = await storeIngest(dir, batches);
    const postgres = await postgresIngest(batches);
    const http = await httpIngest(makeBatches(POINTS, 50_000));
    const search = await searchBench(dir);
    const pts = SMALL ? '100k' : '1M';
    return [
      row(`ingest ${pts} metric points, SQL store (SQLite)`, rate(store), rate(reference), 'better-sqlite3, 1 row/point, 1 txn', '< 2 s', ratio(store, reference), store < 2),
      ...(postgres === undefined ? [] : [row(`ingest ${pts} metric points, SQL store (PostgreSQL)`, rate(postgres), rate(reference), 'better-sqlite3, 1 row/point, 1 txn', '< 2 s', ratio(postgres, reference), postgres < 2)]),
      row(`ingest ${pts} metric points, HTTP log-batch (50k/call)`, rate(http), rate(reference), 'better-sqlite3, 1 row/point, 1 txn', '< 2 s', ratio(http, reference), http < 2),
      ...search.map((s) => row(`search ${SMALL ? '10k' : '100k'} runs: \`${s.query.filter}\` by ${s.query.orderBy[0]}`, fmtSeconds(s.ours), fmtSeconds(s.reference), 'same query hand-written in SQL, no run data', '< 200 ms', `${(s.ours / s.reference).toFixed(1)}×`, s.ours < 0.2)),
    ];
  } finally {
    removeDir(dir);
  }
}
