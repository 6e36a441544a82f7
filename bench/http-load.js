// Shared pieces of the HTTP benchmarks: servers in their own process, autocannon in another.
import { execFileSync, spawn } from 'node:child_process';
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
 * POSTs JSON `body` to `url` under autocannon (its own process); `rate` caps the overall request rate.
 * Any non-2xx answer fails the benchmark, and so does any connection error unless `tolerateErrors`
 * (servers that close every connection, as gunicorn's sync workers do: autocannon then writes
 * some requests on a closing socket and counts an error before it reconnects; rps counts 2xx only).
 */
export function loadTest(url, { body, connections, duration, rate, tolerateErrors = false }) {
  const args = [path.join(ROOT, 'node_modules/autocannon/autocannon.js'), '-c', String(connections), '-d', String(duration), '-m', 'POST', '-H', 'content-type=application/json', '-b', body, '-j', ...(rate ? ['-R', String(rate)] : []), url];
  const result = JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 2 ** 20 }));
  if (result.non2xx > 0 || (result.errors > 0 && !tolerateErrors)) throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors under load`);
  return { rps: result.requests.average, p99: result.latency.p99, errors: result.errors };
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
