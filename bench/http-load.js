// Shared pieces of the HTTP benchmarks: servers in their own process, the load generator (wrk or autocannon) in another.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './lib.js';

/** Spawns a server; resolves with the first match of `pattern` in its stdout (its URL). Pushes it on `procs` to kill later. */
export function startServer(procs, cmd, args, cwd, pattern) {
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

/**
 * CPU time (user + system, µs) a process's main thread has used, from /proc (Linux); undefined
 * elsewhere. Per request it is steadier than requests/s on a noisy machine.
 */
export function mainThreadCpuMicros(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    // utime and stime (fields 14 and 15 of stat), in clock ticks of 10 ms.
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return undefined;
  }
}

/**
 * POSTs JSON `body` to `url` under autocannon (its own process); `rate` caps the overall request rate.
 * Any non-2xx answer fails the benchmark, and so does any connection error unless `tolerateErrors`
 * (servers that close every connection, as gunicorn's sync workers do: autocannon then writes
 * some requests on a closing socket and counts an error before it reconnects; rps counts 2xx only).
 */
export function loadTest(url, { body, connections, duration, rate, tolerateErrors = false, timeoutSeconds = 2 }) {
  if (!rate && !tolerateErrors && hasWrk()) return wrkLoadTest(url, { body, connections, duration, timeoutSeconds });
  const args = [path.join(ROOT, 'node_modules/autocannon/autocannon.js'), '-c', String(connections), '-d', String(duration), '-m', 'POST', '-H', 'content-type=application/json', '-b', body, '-j', ...(rate ? ['-R', String(rate)] : []), url];
  const result = JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 2 ** 20 }));
  if (result.non2xx > 0 || (result.errors > 0 && !tolerateErrors)) throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors under load`);
  return { rps: result.requests.average, p99: result.latency.p99, errors: result.errors };
}

let wrkFound;

/** Whether Debian's wrk is installed (`apt-get install wrk`): a C load generator, lighter than autocannon. */
export function hasWrk() {
  if (wrkFound === undefined) {
    try {
      execFileSync('wrk', ['--version'], { stdio: 'ignore' });
      wrkFound = true;
    } catch (err) {
      // wrk --version prints its banner and exits 1; only a missing binary is ENOENT.
      wrkFound = err.code !== 'ENOENT';
    }
  }
  return wrkFound;
}

/** Name of the load generator loadTest uses for unpaced runs, for the table's notes. */
export function loadGenerator() {
  return hasWrk() ? 'wrk (1 thread)' : 'autocannon';
}

/**
 * The same run under wrk with one thread (so it takes one core, as autocannon does, but spends
 * less of it on itself). Any non-2xx answer or socket error fails the benchmark (an answer slower
 * than `timeoutSeconds` counts as a timeout error).
 */
function wrkLoadTest(url, { body, connections, duration, timeoutSeconds }) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'paddock-wrk-'));
  try {
    const script = path.join(dir, 'post.lua');
    writeFileSync(script, `wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = ${JSON.stringify(body)}\n`);
    const out = execFileSync('wrk', ['-t1', `-c${connections}`, `-d${duration}s`, '--timeout', `${timeoutSeconds}s`, '--latency', '-s', script, url], { encoding: 'utf8' });
    const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
    const p99 = wrkMs(/^\s+99%\s+(\S+)/m.exec(out)?.[1]);
    const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
    const errors = /Socket errors: (.*)/.exec(out)?.[1];
    if (!Number.isFinite(rps)) throw new Error(`${url}: cannot read wrk's output:\n${out}`);
    if (non2xx > 0 || errors) throw new Error(`${url}: ${non2xx} non-2xx answers${errors ? `, socket errors ${errors}` : ''} under load`);
    return { rps, p99, errors: 0 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Latency at about `rate` requests/s under wrk (for rates the Node latency client cannot pace):
 * each connection waits a fixed think time after every answer (wrk's Lua `delay`, whole ms), with
 * as many connections as make `rate` when answers take no time; the rate reached is a little
 * lower (by each answer's latency and wrk's timer granularity) and is reported; pass the
 * `connections` calibrateWrkConnections found to come closer. Percentiles have µs resolution.
 */
export function wrkLatencyAtRate(url, { body, rate, duration, thinkMs = 2, connections = Math.max(1, Math.round((rate * thinkMs) / 1000)) }) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'paddock-wrk-'));
  try {
    const script = path.join(dir, 'paced.lua');
    writeFileSync(script, `wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = ${JSON.stringify(body)}\nfunction delay() return ${thinkMs} end\n`);
    const out = execFileSync('wrk', ['-t1', `-c${connections}`, `-d${duration}s`, '--latency', '-s', script, url], { encoding: 'utf8' });
    const pct = (p) => wrkMs(new RegExp(`^\\s+${p}%\\s+(\\S+)`, 'm').exec(out)?.[1]);
    const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
    const mean = wrkMs(/^\s+Latency\s+(\S+)/m.exec(out)?.[1]);
    const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
    const errors = /Socket errors: (.*)/.exec(out)?.[1];
    if (!Number.isFinite(rps) || Number.isNaN(pct(50))) throw new Error(`${url}: cannot read wrk's output:\n${out}`);
    if (non2xx > 0 || errors) throw new Error(`${url}: ${non2xx} non-2xx answers${errors ? `, socket errors ${errors}` : ''} under load`);
    return { rps, connections, p50: pct(50), p99: pct(99), mean };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Connections that bring wrkLatencyAtRate's rate (think time `thinkMs`) to about `rate` on `url`: two short runs. */
export function calibrateWrkConnections(url, { body, rate, thinkMs = 2 }) {
  let connections = Math.max(1, Math.round((rate * thinkMs) / 1000));
  for (let i = 0; i < 2; i++) {
    const { rps } = wrkLatencyAtRate(url, { body, rate, duration: 2, thinkMs, connections });
    connections = Math.max(1, Math.round((connections * rate) / rps));
  }
  return connections;
}

/** wrk's latency ("812.00us", "1.20ms", "2.01s") in ms. */
function wrkMs(text) {
  const m = /^([\d.]+)(us|ms|s)$/.exec(text ?? '');
  if (!m) return Number.NaN;
  return Number(m[1]) * { us: 0.001, ms: 1, s: 1000 }[m[2]];
}

/** One POST with curl; returns the Open Inference outputs, or throws with the answer. */
export function inferOnce(url, body) {
  const out = JSON.parse(execFileSync('curl', ['-sf', '-X', 'POST', '-H', 'content-type: application/json', '-d', body, url], { encoding: 'utf8' }));
  if (!out.outputs) throw new Error(`unexpected answer from ${url}: ${JSON.stringify(out)}`);
  return out.outputs;
}

/** 12,345 → "12,345". */
export function fmtCount(n) {
  return Math.round(n).toLocaleString('en-US');
}
