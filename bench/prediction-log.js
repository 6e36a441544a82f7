// Prediction log (issue 6): what logging every prediction costs serving, and how fast the stores
// write. Two `paddock serve` processes on the same flights package side by side, one logging
// (the default: monitoring.prediction_log on, sample rate 1, the metadata database) and one with
// --no-prediction-log. Their maximum throughput is measured with the load generator (16
// connections); then each is loaded at half the unlogged server's maximum, in alternating rounds,
// and the best p50 of each is compared (target ≤ 1.05×). With wrk installed the half-max load comes
// from wrk with a fixed think time per connection and as many connections as reach that rate on
// the unlogged server (µs percentiles); without it, from
// bench/latency-client.js (sub-ms latency, open loop), capped at CLIENT_CAP because that client is
// itself the bottleneck above a few thousand req/s. The logging server's /metrics must count the rows written and none dropped.
// Then rows/s appended to SQLite (in a file, WAL; on the calling thread, and through the writer
// thread serving uses) and to Parquet (local directory) in batches of 5,000 rows (the default flush_rows).
// Last, a monitoring window's scan of those rows on SQLite: through the reader thread a serving
// process's monitor uses, against the calling thread: how often and how long the event loop went unturned.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { FsObjectStore } from '../src/storage/artifacts/fs-object-store.ts';
import { ParquetPredictionLog } from '../src/storage/parquet-prediction-log/parquet-prediction-log.ts';
import { MIGRATIONS } from '../src/storage/sql/migrations/index.ts';
import { runMigrations } from '../src/storage/sql/migrations/run-migrations.ts';
import { openDatabase } from '../src/storage/sql/open-database.ts';
import { SqlPredictionLog } from '../src/storage/sql/prediction-log/sql-prediction-log.ts';
import { calibrateWrkConnections, fmtCount as fmt, hasWrk, inferOnce, loadGenerator, loadTest, wrkLatencyAtRate } from './http-load.js';
import { latencyAtRate } from './latency-client.js';
import { best, initProject, median, removeDir, row, tempDir } from './lib.js';
import { BODY, startPaddock, trainFlights, writeTrainingData } from './serve.js';

const SMALL = Boolean(process.env.PADDOCK_BENCH_SMALL);
const DURATION = SMALL ? 5 : 10;
const ROUNDS = SMALL ? 1 : 3;
const CONNECTIONS = 16;
/** What bench/latency-client.js paces faithfully on these machines (see bench/serve.js). */
const CLIENT_CAP = 3000;
const BATCH = 5000;
/** The batches serving hands the writer thread on SQLite (SQLITE_BATCH_ROWS in src/app-prediction-log.ts). */
const SERVING_BATCH = 100;
const STORE_ROWS = SMALL ? 50_000 : 200_000;

export async function predictionLog() {
  const dir = tempDir('prediction-log');
  const procs = [];
  try {
    initProject(dir);
    await writeTrainingData(dir);
    trainFlights(dir, 'model');
    const loggedUrl = await startPaddock(procs, dir, ['model']);
    const plainUrl = await startPaddock(procs, dir, ['model', '--no-prediction-log']);
    const logged = `${loggedUrl}/v2/models/flights/infer`;
    const plain = `${plainUrl}/v2/models/flights/infer`;
    inferOnce(logged, BODY);
    inferOnce(plain, BODY);
    const full = { plain: load(plain), logged: load(logged) };
    const half = Math.floor(full.plain.rps / 2);
    const paced = hasWrk();
    const rate = paced ? half : Math.min(half, CLIENT_CAP);
    // The same connections and think time for both servers, calibrated on the unlogged one.
    const connections = paced ? calibrateWrkConnections(plain, { body: BODY, rate }) : CONNECTIONS;
    const atRate = (url) => (paced ? wrkLatencyAtRate(url, { body: BODY, rate, duration: DURATION, connections }) : latencyAtRate(url, { body: BODY, rate, duration: DURATION, connections: CONNECTIONS }));
    let bestPlain;
    let bestLogged;
    for (let round = 0; round < ROUNDS; round++) {
      bestPlain = better(bestPlain, atRate(plain));
      bestLogged = better(bestLogged, atRate(logged));
    }
    await sleep(1500); // one flush interval: the last rows reach the database
    const counts = await logCounts(loggedUrl);
    const ms = (r) => `p50 ${r.p50.toFixed(3)} ms (mean ${r.mean.toFixed(3)}, p99 ${r.p99.toFixed(2)} ms${r.rps ? `; ${fmt(r.rps)} req/s reached` : ''})`;
    const how = paced ? `${fmt(rate)} req/s asked (half the max), wrk, ${connections} connections with a 2 ms think time (calibrated on the unlogged server)` : `${fmt(rate)} req/s${rate < half ? ` (half the max is ${fmt(half)}; client cap)` : ' (half the max)'}, ${CONNECTIONS} connections`;
    const ratio = bestLogged.p50 / bestPlain.p50;
    const writes = await storeThroughput(dir);
    const scans = await scanStalls(dir);
    const scanned = (r) => `longest event-loop gap ${r.gapMs.toFixed(1)} ms, ${r.longGaps} over 5 ms (median ${r.medianGapMs.toFixed(1)} ms); ${fmt(r.rowsPerSecond)} rows/s`;
    return [
      row(`p50 latency, every prediction logged (SQLite), ${how}`,
        ms(bestLogged), ms(bestPlain), `same package, --no-prediction-log, same load; best of ${ROUNDS}`, '≤ 1.05×', `${ratio.toFixed(2)}×`, ratio <= 1.05),
      row('  predictions written / dropped by the logging server', `${fmt(counts.written)} written, ${fmt(counts.dropped)} dropped`, `${fmt(counts.requests)} requests answered`, 'its /metrics', 'none dropped', counts.dropped === 0 ? '0 dropped' : `${fmt(counts.dropped)} dropped`, counts.dropped === 0 && counts.written >= counts.requests),
      row(`  max throughput with logging, ${CONNECTIONS} connections, ${loadGenerator()}`, `${fmt(full.logged.rps)} req/s (p99 ${full.logged.p99} ms)`, `${fmt(full.plain.rps)} req/s (p99 ${full.plain.p99} ms)`, 'same package without logging', 'report', `${(full.logged.rps / full.plain.rps).toFixed(2)}×`, null),
      row(`prediction log append, ${fmt(STORE_ROWS)} rows in batches of ${fmt(BATCH)}: SQLite (WAL, file)`, `${fmt(writes.sqlite)} rows/s`, `${fmt(writes.parquet)} rows/s`, 'same rows to Parquet files (DuckDB, zstd)', 'report', `${(writes.sqlite / writes.parquet).toFixed(2)}×`, null),
      row('  same, SQLite through the writer thread serving uses', `${fmt(writes.thread)} rows/s`, `${fmt(writes.sqlite)} rows/s`, 'SQLite on the calling thread', 'report', `${(writes.thread / writes.sqlite).toFixed(2)}×`, null),
      row(`  same, writer thread, batches of ${SERVING_BATCH} (serving's on SQLite)`, `${fmt(writes.threadServing)} rows/s`, `${fmt(writes.thread)} rows/s`, `writer thread, batches of ${fmt(BATCH)}`, 'report', `${(writes.threadServing / writes.thread).toFixed(2)}×`, null),
      row(`monitoring window scan, ${fmt(STORE_ROWS)} logged rows (SQLite): reader thread (a serving process's)`, scanned(scans.thread), scanned(scans.calling), 'scan on the calling thread, a turn between pages', 'report', `${(scans.thread.longGaps / Math.max(1, scans.calling.longGaps)).toFixed(2)}× the gaps over 5 ms`, null),
    ];
  } finally {
    for (const p of procs) p.kill('SIGTERM');
    removeDir(dir);
  }
}

function load(url) {
  return loadTest(url, { body: BODY, connections: CONNECTIONS, duration: DURATION });
}

/** The run with the lower p50 (the least disturbed by other work on the machine). */
function better(a, b) {
  return a === undefined || b.p50 < a.p50 ? b : a;
}

/** The logging server's counters: requests answered, rows written and dropped. */
async function logCounts(url) {
  const text = await (await fetch(`${url}/metrics`)).text();
  const sum = (pattern) => [...text.matchAll(pattern)].reduce((s, m) => s + Number(m[1]), 0);
  return {
    requests: sum(/^paddock_inference_requests_total\{[^}]*code="200"\} (\S+)$/gm),
    written: sum(/^paddock_prediction_log_written_total (\S+)$/gm),
    dropped: sum(/^paddock_prediction_log_dropped_total (\S+)$/gm),
  };
}

/**
 * A window scan of STORE_ROWS logged rows, on the reader thread and on the calling thread: rows/s,
 * and the gaps between turns of a 1 ms timer over 5 ms (how many, their median, the longest: what a
 * request arriving meanwhile would wait).
 */
async function scanStalls(dir) {
  const at = Date.now();
  const database = openDatabase(`sqlite:${path.join(dir, 'scan.db')}`, { root: dir });
  try {
    await runMigrations(database.db, database.dialect, MIGRATIONS);
    const writer = new SqlPredictionLog(database);
    const records = logRecords(at);
    for (let i = 0; i < records.length; i += BATCH) await writer.append(records.slice(i, i + BATCH));
    const scan = async (store) => {
      const gaps = [];
      let last = performance.now();
      const timer = setInterval(() => {
        const now = performance.now();
        if (now - last > 5) gaps.push(now - last);
        last = now;
      }, 1);
      const start = performance.now();
      let rows = 0;
      await store.scan({ deployment: 'flights', since: at, until: at + STORE_ROWS }, (batch) => { rows += batch.length; });
      const seconds = (performance.now() - start) / 1000;
      clearInterval(timer);
      await store.close();
      if (rows !== STORE_ROWS) throw new Error(`the scan read ${rows} rows of ${STORE_ROWS}`);
      return { gapMs: Math.max(0, ...gaps), longGaps: gaps.length, medianGapMs: gaps.length ? median(gaps) : 0, rowsPerSecond: Math.round(rows / seconds) };
    };
    const calling = await scan(new SqlPredictionLog(database));
    const thread = await scan(new SqlPredictionLog(database, { readerThread: true }));
    return { calling, thread };
  } finally {
    await database.close();
  }
}

/** STORE_ROWS logged flights predictions, one a ms from `at`, with sequential request ids. */
function logRecords(at) {
  return Array.from({ length: STORE_ROWS }, (_, i) => ({
    requestId: `req-${i}`, rowIndex: 0, deployment: 'flights', model: 'flights', version: '1', variant: 'default',
    inputs: { hour: i % 24, weekday: i % 7, distance: 100 + (i % 2900), origin: ['ATL', 'ORD', 'SEA', 'JFK'][i % 4] },
    outputs: { label: i % 2, probabilities: [0.3, 0.7] }, latencyMs: 0.4, at: at + i,
  }));
}

/** Rows/s appended by each store, in the logger's batch size (best of 3 runs of STORE_ROWS rows). */
async function storeThroughput(dir) {
  const records = logRecords(Date.now());
  const appendAll = async (store, batch = BATCH) => {
    for (let i = 0; i < records.length; i += batch) await store.append(records.slice(i, i + batch));
  };
  let n = 0;
  let database;
  // Opening and migrating a fresh database is not timed; appending and closing (the last checkpoint) are.
  const sqliteSeconds = await best(3, async () => {
    await appendAll(new SqlPredictionLog(database));
    await database.close();
  }, async () => {
    database = openDatabase(`sqlite:${path.join(dir, `log-${n++}.db`)}`, { root: dir });
    await runMigrations(database.db, database.dialect, MIGRATIONS);
  });
  // The same through serving's writer thread (its own connection; the serving thread only serialises).
  let threaded;
  const throughThread = (batch) => best(3, async () => {
    await appendAll(threaded, batch);
    await threaded.close();
    await database.close();
  }, async () => {
    database = openDatabase(`sqlite:${path.join(dir, `log-${n++}.db`)}`, { root: dir });
    await runMigrations(database.db, database.dialect, MIGRATIONS);
    threaded = new SqlPredictionLog(database, { writerThread: true });
  });
  const threadSeconds = await throughThread(BATCH);
  const threadServingSeconds = await throughThread(SERVING_BATCH);
  let store;
  const parquetSeconds = await best(3, async () => {
    await appendAll(store);
    await store.close();
  }, async () => {
    const root = path.join(dir, `parquet-${n++}`);
    mkdirSync(root, { recursive: true });
    store = new ParquetPredictionLog({ objects: new FsObjectStore(root), localRoot: root, workDir: path.join(root, '.work') });
  });
  return { sqlite: Math.round(STORE_ROWS / sqliteSeconds), thread: Math.round(STORE_ROWS / threadSeconds), threadServing: Math.round(STORE_ROWS / threadServingSeconds), parquet: Math.round(STORE_ROWS / parquetSeconds) };
}
