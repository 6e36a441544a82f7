// Serving: single-row Open Inference Protocol requests to `paddock serve` running a gradient-
// boosted flights model (the quickstart's), beside a bare Fastify route answering a constant, both
// in their own process and loaded by the same autocannon (16 connections, another process).
// Then the p99 latency at half of Paddock's measured throughput.
import { spawn, execFileSync } from 'node:child_process';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { CLI, ROOT, initProject, paddock, removeDir, row, tempDir } from './lib.js';

const DURATION = process.env.PADDOCK_BENCH_SMALL ? 5 : 15;
const BODY = JSON.stringify({ inputs: [
  { name: 'hour', shape: [1], datatype: 'INT64', data: [17] },
  { name: 'weekday', shape: [1], datatype: 'INT64', data: [5] },
  { name: 'distance', shape: [1], datatype: 'INT64', data: [740] },
  { name: 'origin', shape: [1], datatype: 'BYTES', data: ['ORD'] },
] });

export async function serve() {
  const dir = tempDir('serve');
  const procs = [];
  try {
    initProject(dir);
    await writeTrainingData(dir);
    paddock(dir, ['train', '--task', 'classification', '--target', 'late', '--data', 'train.parquet', '--name', 'flights', '-o', 'model', '--no-track', '-q']);
    const paddockUrl = await start(procs, process.execPath, [CLI, 'serve', 'model', '--port', '0'], dir, /listening on (http:\/\/\S+)/);
    const bareUrl = await start(procs, process.execPath, [path.join(ROOT, 'bench/bare-fastify.js')], dir, /(http:\/\/\S+)/);
    const target = `${paddockUrl}/v2/models/flights/infer`;
    check(target);
    const ours = load(target, {});
    const bare = load(`${bareUrl}/infer`, {});
    const half = load(target, { rate: Math.floor(ours.rps / 2) });
    const ratio = ours.rps / bare.rps;
    return [
      row('single-row /v2/models/{name}/infer, 16 connections', `${fmt(ours.rps)} req/s (p99 ${ours.p99} ms)`, `${fmt(bare.rps)} req/s (p99 ${bare.p99} ms)`, 'bare Fastify route returning a constant, same load', '≥ 70% of reference', `${(ratio * 100).toFixed(0)}%`, ratio >= 0.7),
      row('  p99 latency at half that load', `${half.p99} ms (${fmt(half.rps)} req/s)`, `${bare.p99} ms`, 'bare Fastify p99 at full load', '< 5 ms', '–', half.p99 < 5),
    ];
  } finally {
    for (const p of procs) p.kill('SIGTERM');
    removeDir(dir);
  }
}

function fmt(n) {
  return Math.round(n).toLocaleString('en-US');
}

/** Runs autocannon (its own process); `rate` caps the overall request rate. */
function load(url, { rate }) {
  const args = [path.join(ROOT, 'node_modules/autocannon/autocannon.js'), '-c', '16', '-d', String(DURATION), '-m', 'POST', '-H', 'content-type=application/json', '-b', BODY, '-j', ...(rate ? ['-R', String(rate)] : []), url];
  const result = JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 2 ** 20 }));
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors under load`);
  return { rps: result.requests.average, p99: result.latency.p99 };
}

function check(url) {
  const out = execFileSync('curl', ['-sf', '-X', 'POST', '-H', 'content-type: application/json', '-d', BODY, url], { encoding: 'utf8' });
  if (!JSON.parse(out).outputs) throw new Error(`unexpected answer from ${url}: ${out}`);
}

function start(procs, cmd, args, cwd, pattern) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'] });
    procs.push(child);
    let text = '';
    child.stdout.on('data', (d) => {
      text += d;
      const m = pattern.exec(text);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}: ${text}`)));
  });
}

async function writeTrainingData(dir) {
  const flights = path.join(ROOT, 'node_modules/vega-datasets/data/flights-3m.parquet').replace(/'/g, "''");
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  await conn.run(`COPY (SELECT hour(date) AS hour, isodow(date) AS weekday, distance, origin, (delay > 15)::INTEGER AS late
    FROM read_parquet('${flights}') USING SAMPLE 200000 ROWS (reservoir, 7)) TO '${path.join(dir, 'train.parquet')}' (FORMAT parquet)`);
  conn.closeSync();
  instance.closeSync();
}
