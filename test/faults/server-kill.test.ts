/**
 * A server killed with SIGKILL in the middle of log-batch calls: after a restart every batch is
 * either fully there or absent (each batch writes its own metric key, so counting points per
 * key tells which), and the store still accepts writes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, runCli, tempDir } from '../../src/test-support/cli.js';

const POINTS = 40_000;
const ROUNDS = 3;

let dir: string;
let cleanup: () => void;
beforeAll(async () => {
  ({ dir, cleanup } = tempDir('paddock-server-kill-'));
  expect((await runCli(dir, ['init', '-q'])).code).toBe(0);
});
afterAll(() => cleanup());

/** Starts `paddock server --port 0` in the project; resolves its URL and process. */
function startServer(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [CLI, 'server', '--port', '0'], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/[\d.:]+)/.exec(out);
      if (m) resolve({ url: m[1]!, child });
    });
    child.stderr!.on('data', (d) => (out += d));
    child.once('close', (code) => reject(new Error(`server exited (${code}):\n${out}`)));
  });
}

async function post(url: string, path: string, body: unknown): Promise<Response> {
  return fetch(`${url}/api/2.0/mlflow/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

function batch(key: string): unknown[] {
  const now = Date.now();
  return Array.from({ length: POINTS }, (_, i) => ({ key, value: i * 0.5, timestamp: now + i, step: i }));
}

async function historyCount(url: string, runId: string, key: string): Promise<number> {
  const res = await fetch(`${url}/api/2.0/mlflow/metrics/get-history?run_id=${runId}&metric_key=${key}&max_results=100000`);
  expect(res.status).toBe(200);
  const body = (await res.json()) as { metrics?: unknown[] };
  return body.metrics?.length ?? 0;
}

describe('kill -9 of the server during log-batch', () => {
  it('leaves each batch fully written or absent', async () => {
    let { url, child } = await startServer();
    const exp = (await (await post(url, 'experiments/create', { name: 'kill' })).json()) as { experiment_id: string };
    const run = (await (await post(url, 'runs/create', { experiment_id: exp.experiment_id })).json()) as { run: { info: { run_id: string } } };
    const runId = run.run.info.run_id;
    const keys: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const sends: Promise<unknown>[] = [];
      for (let b = 0; b < 4; b++) {
        const key = `r${round}b${b}`;
        keys.push(key);
        sends.push(post(url, 'runs/log-batch', { run_id: runId, metrics: batch(key) }).catch(() => undefined));
      }
      await new Promise((r) => setTimeout(r, 50 + Math.random() * 400));
      const closed = new Promise((r) => child.once('close', r));
      child.kill('SIGKILL');
      await closed;
      await Promise.all(sends);
      ({ url, child } = await startServer());
      for (const key of keys) {
        const n = await historyCount(url, runId, key);
        expect([0, POINTS], `batch ${key} after round ${round}`).toContain(n);
      }
    }
    // The store still takes writes after the kills.
    const ok = await post(url, 'runs/log-batch', { run_id: runId, metrics: batch('after') });
    expect(ok.status).toBe(200);
    expect(await historyCount(url, runId, 'after')).toBe(POINTS);
    child.kill('SIGTERM');
  });
});
