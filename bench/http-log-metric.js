// HTTP benchmarks of the server (src/http) over a real SQLite store, client and server in this
// process on loopback:
// - single MLflow log-metric calls over one keep-alive connection, beside a bare Fastify route
//   that parses the same JSON and does nothing (the floor any Fastify server pays);
// - 1,000,000 metric points ingested through MLflow's log-batch (bodies serialised before the
//   clock starts, as a client's buffer would be), beside the same points through Paddock's
//   columnar POST /api/v1/runs/:id/metrics/:key;
// - reading that 1,000,000-point history back: MLflow's JSON get-history (streamed) and
//   Paddock's columnar endpoint (JSON and f64), beside JSON.stringify of the points alone.
import http from 'node:http';
import Fastify from 'fastify';
import { startTestServer } from '../src/http/test-server.ts';
import { fmtSeconds, row } from './lib.js';

const SMALL = Boolean(process.env.PADDOCK_BENCH_SMALL);
const CALLS = SMALL ? 2_000 : 10_000;
const POINTS = SMALL ? 100_000 : 1_000_000;
const BATCH = 200_000; // server.max_batch_metrics default

/** One keep-alive socket, requests strictly one after another. */
function client(baseUrl) {
  const url = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const request = (method, path, body, contentType = 'application/json') => new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, method, path, agent, headers: body === undefined ? {} : { 'content-type': contentType, 'content-length': Buffer.byteLength(body) } }, (res) => {
      const chunks = [];
      res.on('data', (d) => chunks.push(d));
      res.on('end', () => (res.statusCode >= 400 ? reject(new Error(`${method} ${path}: ${res.statusCode} ${Buffer.concat(chunks).toString().slice(0, 300)}`)) : resolve(Buffer.concat(chunks))));
    });
    req.on('error', reject);
    req.end(body);
  });
  return { request, close: () => agent.destroy() };
}

async function perCall(c, path, body, n) {
  for (let i = 0; i < Math.min(500, n); i++) await c.request('POST', path, body(i)); // warm-up
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await c.request('POST', path, body(i));
  return Number(process.hrtime.bigint() - t0) / 1e9 / n;
}

async function singleCalls(server) {
  const bare = Fastify();
  bare.post('/noop', async () => ({}));
  const bareUrl = await bare.listen({ host: '127.0.0.1', port: 0 });
  const exp = JSON.parse(await (await fetch(`${server.url}/api/2.0/mlflow/experiments/create`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"bench-single"}' })).text()).experiment_id;
  const runId = JSON.parse(await (await fetch(`${server.url}/api/2.0/mlflow/runs/create`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ experiment_id: exp }) })).text()).run.info.run_id;
  const body = (i) => JSON.stringify({ run_id: runId, key: 'loss', value: 1 / (i + 1), timestamp: 1700000000000 + i, step: i });
  const cBare = client(bareUrl);
  const cOurs = client(server.url);
  const bareS = await perCall(cBare, '/noop', body, CALLS);
  const oursS = await perCall(cOurs, '/api/2.0/mlflow/runs/log-metric', body, CALLS);
  // The same route answering 400 before the store (no timestamp): the HTTP layer's own cost.
  const noStore = (i) => JSON.stringify({ run_id: runId, key: 'loss', value: 1 / (i + 1), step: i });
  const layerS = await perCallRejected(cOurs, '/api/2.0/mlflow/runs/log-metric', noStore, CALLS);
  cBare.close();
  cOurs.close();
  await bare.close();
  const ms = (s) => `${(s * 1000).toFixed(3)} ms (${Math.round(1 / s).toLocaleString('en-US')} calls/s)`;
  return [
    row(`MLflow log-metric, one keep-alive connection (${CALLS.toLocaleString('en-US')} calls)`, ms(oursS), ms(bareS), 'bare Fastify route, same body', '< 0.5 ms/call', `${(oursS / bareS).toFixed(2)}×`, oursS < 0.0005),
    row('  of which the HTTP layer (same route, rejected before the store)', ms(layerS), ms(bareS), 'bare Fastify route, same body', 'diagnostic', `${(layerS / bareS).toFixed(2)}×`, true),
  ];
}

/** As perCall, for requests the server answers with an error (counted, not thrown). */
async function perCallRejected(c, path, body, n) {
  const send = (i) => c.request('POST', path, body(i)).catch(() => undefined);
  for (let i = 0; i < Math.min(500, n); i++) await send(i);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await send(i);
  return Number(process.hrtime.bigint() - t0) / 1e9 / n;
}

function newRun(server, name) {
  return fetch(`${server.url}/api/v1/experiments`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name }) })
    .then((r) => r.json())
    .then((e) => fetch(`${server.url}/api/v1/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ experimentId: e.experimentId }) }))
    .then((r) => r.json())
    .then((r) => r.info.runId);
}

async function ingest(server) {
  const c = client(server.url);
  const mlflowRun = await newRun(server, 'bench-ingest-mlflow');
  const bodies = [];
  for (let start = 0; start < POINTS; start += BATCH) {
    const metrics = [];
    for (let i = start; i < Math.min(POINTS, start + BATCH); i++) metrics.push({ key: 'loss', value: Math.sin(i / 1000), timestamp: 1700000000000 + i, step: i });
    bodies.push(JSON.stringify({ run_id: mlflowRun, metrics }));
  }
  const t0 = process.hrtime.bigint();
  for (const b of bodies) await c.request('POST', '/api/2.0/mlflow/runs/log-batch', b);
  const mlflowS = Number(process.hrtime.bigint() - t0) / 1e9;

  const colRun = await newRun(server, 'bench-ingest-columns');
  const colBodies = [];
  for (let start = 0; start < POINTS; start += BATCH) {
    const steps = [];
    const timestamps = [];
    const values = [];
    for (let i = start; i < Math.min(POINTS, start + BATCH); i++) {
      steps.push(i);
      timestamps.push(1700000000000 + i);
      values.push(Math.sin(i / 1000));
    }
    colBodies.push(JSON.stringify({ steps, timestamps, values }));
  }
  const t1 = process.hrtime.bigint();
  for (const b of colBodies) await c.request('POST', `/api/v1/runs/${colRun}/metrics/loss`, b);
  const colS = Number(process.hrtime.bigint() - t1) / 1e9;
  c.close();
  const rate = (s) => `${fmtSeconds(s)} (${Math.round(POINTS / s).toLocaleString('en-US')} points/s)`;
  return {
    runId: mlflowRun,
    rows: [
      row(`ingest ${POINTS.toLocaleString('en-US')} points, MLflow log-batch over HTTP`, rate(mlflowS), rate(colS), 'Paddock columnar POST, same points', '< 2 s', `${(mlflowS / colS).toFixed(2)}×`, mlflowS < 2 * (POINTS / 1_000_000)),
    ],
  };
}

async function history(server, runId) {
  const c = client(server.url);
  const time = async (path) => {
    await c.request('GET', path); // warm-up (page cache, JIT)
    const t0 = process.hrtime.bigint();
    const body = await c.request('GET', path);
    return { s: Number(process.hrtime.bigint() - t0) / 1e9, bytes: body.length, body };
  };
  const mlflow = await time(`/api/2.0/mlflow/metrics/get-history?run_id=${runId}&metric_key=loss`);
  const parsed = JSON.parse(mlflow.body.toString());
  if (parsed.metrics.length !== POINTS) throw new Error(`get-history returned ${parsed.metrics.length} points, expected ${POINTS}`);
  const f64 = await time(`/api/v1/runs/${runId}/metrics/loss?format=f64`);
  if (f64.bytes !== POINTS * 24) throw new Error(`f64 history has ${f64.bytes} bytes, expected ${POINTS * 24}`);
  const json = await time(`/api/v1/runs/${runId}/metrics/loss`);
  const t0 = process.hrtime.bigint();
  JSON.stringify(parsed.metrics);
  const stringifyS = Number(process.hrtime.bigint() - t0) / 1e9;
  c.close();
  const scale = POINTS / 1_000_000;
  const size = (b) => `${(b / 2 ** 20).toFixed(1)} MiB`;
  return [
    row(`history of ${POINTS.toLocaleString('en-US')} points, MLflow JSON get-history (${size(mlflow.bytes)})`, fmtSeconds(mlflow.s), fmtSeconds(stringifyS), 'JSON.stringify of the point objects alone', '< 2 s', `${(mlflow.s / stringifyS).toFixed(2)}×`, mlflow.s < 2 * scale),
    row(`history of ${POINTS.toLocaleString('en-US')} points, Paddock f64 columns (${size(f64.bytes)})`, fmtSeconds(f64.s), fmtSeconds(stringifyS), 'JSON.stringify of the point objects alone', '< 300 ms', `${(f64.s / stringifyS).toFixed(2)}×`, f64.s < 0.3 * scale),
    row(`history of ${POINTS.toLocaleString('en-US')} points, Paddock JSON columns (${size(json.bytes)})`, fmtSeconds(json.s), fmtSeconds(stringifyS), 'JSON.stringify of the point objects alone', '< 2 s (JSON, as get-history)', `${(json.s / stringifyS).toFixed(2)}×`, json.s < 2 * scale),
  ];
}

/** Every HTTP figure, each beside its reference from the same run. */
export async function httpLogMetric() {
  const server = await startTestServer({ limits: { bodyLimitBytes: 256 * 2 ** 20, maxBatchMetrics: BATCH } });
  try {
    const rows = [...(await singleCalls(server))];
    const { runId, rows: ingestRows } = await ingest(server);
    rows.push(...ingestRows, ...(await history(server, runId)));
    return rows;
  } finally {
    await server.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await httpLogMetric()) console.log(`${r.name}: ${r.ours} vs ${r.reference} (${r.referenceName}) → ${r.ratio} [${r.pass ? 'met' : 'NOT met'}]`);
}
