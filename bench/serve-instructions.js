// Instructions per request of the serving path, counted instead of timed: `paddock serve` (no
// prediction log) and the bare Fastify route of bench/serve.js, each under Valgrind's callgrind,
// answering the same single-row requests from a Node client with 8 keep-alive connections. After a
// warm-up the counters are zeroed, COUNTED requests are sent, and the counts are dumped. On these
// virtual machines requests/s move by a third from one minute to the next (the kernel's wake-ups of
// the other process dominate, and vary); instruction counts do not, so this row shows what the
// server's own code costs beside Fastify's, run after run. Kernel work is not counted.
// Node runs with V8's --single-threaded: compilation and garbage collection happen on the main
// thread, so every instruction a request costs is in one count. (With background threads, Valgrind
// runs them so rarely that code compiled in the background stays unoptimised long after warm-up:
// the 100 compiled trees of the flights model were still in V8's baseline tier, 45k instructions a
// request that a real run does not spend.)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServer } from './http-load.js';
import { CLI, ROOT, initProject, removeDir, row, tempDir } from './lib.js';
import { BODY, trainFlights, writeTrainingData } from './serve.js';

const SMALL = Boolean(process.env.PADDOCK_BENCH_SMALL);
const WARMUP = SMALL ? 1000 : 4000;
const COUNTED = SMALL ? 2000 : 10_000;

export async function serveInstructions() {
  const name = `instructions per single-row /v2 infer (callgrind, node --single-threaded, ${COUNTED.toLocaleString('en-US')} requests after ${WARMUP.toLocaleString('en-US')} warm-up)`;
  if (!hasValgrind()) return [row(name, 'skipped: valgrind is not installed (apt-get install valgrind)', '–', '–', 'report', '–', null)];
  const dir = tempDir('serve-instructions');
  try {
    initProject(dir);
    await writeTrainingData(dir);
    trainFlights(dir, 'model');
    // Both at once: each runs on one core under Valgrind, and counts do not depend on the other.
    const [ours, bare] = await Promise.all([
      countInstructions([CLI, 'serve', 'model', '--no-prediction-log', '--port', '0'], /listening on (http:\/\/\S+)/, '/v2/models/flights/infer', dir),
      countInstructions([path.join(ROOT, 'bench/bare-fastify.js')], /(http:\/\/\S+)/, '/infer', dir),
    ]);
    const k = (n) => `${Math.round(n / 1000)}k`;
    return [row(name, `${k(ours)} instructions`, `${k(bare)} instructions`, 'bare Fastify route returning a constant, same client', 'report', `${(bare / ours * 100).toFixed(0)}% (bare / Paddock)`, null)];
  } finally {
    removeDir(dir);
  }
}

function hasValgrind() {
  try {
    execFileSync('valgrind', ['--version'], { stdio: 'ignore' });
    execFileSync('callgrind_control', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Runs `node --single-threaded <args>` under callgrind; returns instructions per counted request, all threads. */
async function countInstructions(args, pattern, route, cwd) {
  const out = mkdtempSync(path.join(os.tmpdir(), 'paddock-callgrind-'));
  const procs = [];
  try {
    const valgrind = ['--tool=callgrind', `--callgrind-out-file=${out}/cg.%p`, '--dump-instr=no', '--collect-jumps=no', `--log-file=${out}/valgrind.log`];
    const url = await startServer(procs, 'valgrind', [...valgrind, process.execPath, '--single-threaded', ...args], cwd, pattern);
    const pid = String(procs[0].pid);
    await sendRequests(`${url}${route}`, WARMUP);
    execFileSync('callgrind_control', ['--zero', pid], { stdio: 'ignore' });
    await sendRequests(`${url}${route}`, COUNTED);
    execFileSync('callgrind_control', ['--dump', pid], { stdio: 'ignore' });
    // The dump callgrind_control asked for: cg.<pid>.1 (written by the process, so wait for it).
    let dump;
    for (let i = 0; i < 100 && dump === undefined; i++) {
      await sleep(100);
      dump = readdirSync(out).find((f) => /^cg\.\d+\.1$/.test(f));
    }
    if (dump === undefined) throw new Error(`callgrind wrote no dump for ${args.join(' ')}`);
    await sleep(500);
    return summary(path.join(out, dump)) / COUNTED;
  } finally {
    for (const p of procs) p.kill('SIGTERM');
    await sleep(1000);
    rmSync(out, { recursive: true, force: true });
  }
}

function summary(file) {
  const m = /^summary: (\d+)$/m.exec(readFileSync(file, 'utf8'));
  if (!m) throw new Error(`no summary line in ${file}`);
  return Number(m[1]);
}

/** Sends `n` requests over 8 keep-alive connections; every answer must be a 200. */
async function sendRequests(url, n, connections = 8) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  let sent = 0;
  let done = 0;
  try {
    await new Promise((resolve, reject) => {
      const one = () => {
        if (sent >= n) return;
        sent++;
        const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(BODY) } }, (res) => {
          if (res.statusCode !== 200) reject(new Error(`${url} answered ${res.statusCode}`));
          res.resume();
          res.on('end', () => {
            if (++done === n) resolve();
            else one();
          });
        });
        req.on('error', reject);
        req.end(BODY);
      };
      for (let i = 0; i < connections; i++) one();
    });
  } finally {
    agent.destroy();
  }
}
