import { execFileSync } from 'node:child_process';
import http from 'node:http';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliOk, tempDir, type CliResult } from '../../test-support/cli.js';
import { startServe, type ServeProcess } from '../../test-support/serve-process.js';
import { flightRows, flightsCsv } from '../../test-support/flights.js';

/**
 * `paddock serve --workers 2` through the real CLI (dist/, built by `npm run build`): /metrics on
 * whichever worker answers is the sum over both, and worker 1's canary analysis counts the
 * requests worker 2 answered. Every request opens its own connection, so the cluster's
 * round-robin hands them to both workers (`x-paddock-worker` says which one answered).
 */
const GIT_ENV = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };


const INFER = JSON.stringify({
  inputs: [
    { name: 'hour', shape: [2], datatype: 'INT64', data: [7, 18] },
    { name: 'distance', shape: [2], datatype: 'INT64', data: [300, 2400] },
  ],
});

interface Answer {
  readonly status: number;
  readonly worker: string | undefined;
  readonly body: string;
}

/** One request on a fresh connection (no keep-alive, so each one is a new connection for the cluster to hand out). */
function request(url: string, method: 'GET' | 'POST', body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, agent: false, headers: body ? { 'content-type': 'application/json' } : {} }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, worker: res.headers['x-paddock-worker'] as string | undefined, body: text }));
    });
    req.on('error', reject);
    // A hang names the request instead of running into the test's timeout.
    req.setTimeout(15_000, () => req.destroy(new Error(`${method} ${url}: no answer within 15 s`)));
    req.end(body);
  });
}

/** Worker 1 prints once it listens: asks `url` on fresh connections until worker 2 has answered too (20 s at most). */
async function untilBothWorkersAnswer(url: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  const workers = new Set<string>();
  while (workers.size < 2) {
    if (Date.now() > deadline) throw new Error(`only worker ${[...workers].join(', ')} answered ${url} within 20 s`);
    const a = await request(url, 'GET');
    expect(a.status, a.body).toBe(200);
    workers.add(a.worker!);
  }
}

/** The sum of a metric's samples whose labels include every `labels` pair. */
function sampleSum(text: string, name: string, labels: Record<string, string>): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const wanted = Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`));
    if (wanted) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

describe('paddock serve --workers 2 (end to end through the real CLI)', () => {
  let project: { dir: string; cleanup: () => void };
  let root = '';
  const cli = (...args: string[]): Promise<CliResult> => runCliOk(root, args);

  beforeAll(async () => {
    project = tempDir('paddock-serve-workers-e2e-');
    root = project.dir;
    execFileSync('git', ['init', '-q'], { cwd: root, env: { ...process.env, ...GIT_ENV } });
    await cli('init');
    writeFileSync(path.join(root, 'flights.csv'), flightsCsv(flightRows(300, 1), ['hour', 'distance', 'late']));
    await cli('train', '--task', 'classification', '--target', 'late', '--data', 'flights.csv', '--algorithm', 'linear', '-o', 'model', '--no-track');
    await cli('models', 'register', 'model', '--name', 'flights');
    await cli('models', 'register', 'model', '--name', 'flights');
  }, 120_000);
  afterAll(() => project?.cleanup());

  it('/metrics on either worker counts every request of both', async () => {
    const server = await startServe(root, ['model', '--port', '0', '--workers', '2']);
    let stopped: Awaited<ReturnType<ServeProcess['stop']>> | undefined;
    try {
      const url = `${server.url}/v2/models/model/infer`;
      await untilBothWorkersAnswer(`${server.url}/v2/health/live`);
      const answers = await Promise.all(Array.from({ length: 40 }, () => request(url, 'POST', INFER)));
      for (const a of answers) expect(a.status, a.body).toBe(200);
      const sent = answers.length;
      const byWorker = new Set(answers.map((a) => a.worker));
      expect(byWorker.size).toBe(2);

      const scrapedBy = new Set<string>();
      for (let i = 0; i < 8; i++) {
        const scrape = await request(`${server.url}/metrics`, 'GET');
        expect(scrape.status, scrape.body).toBe(200);
        scrapedBy.add(scrape.worker!);
        expect(sampleSum(scrape.body, 'paddock_inference_requests_total', { model: 'model', code: '200' })).toBe(sent);
        expect(sampleSum(scrape.body, 'paddock_inference_request_duration_seconds_count', { model: 'model' })).toBe(sent);
        expect(sampleSum(scrape.body, 'paddock_inference_request_duration_seconds_bucket', { model: 'model', le: '+Inf' })).toBe(sent);
        // Histogram series keep their own labels through the merge.
        expect(scrape.body).toMatch(/paddock_inference_batch_rows_bucket\{model="model",version="1",le="2"\} \d+/);
        // Process metrics: summed (memory), or left out where a sum means nothing (start time).
        expect(scrape.body).toMatch(/^paddock_process_resident_memory_bytes \d+/m);
        expect(scrape.body).not.toMatch(/^paddock_process_start_time_seconds /m);
      }
      expect(scrapedBy.size).toBe(2);
    } finally {
      stopped = await server.stop();
    }
    expect(stopped.code, stopped.stderr).toBe(0);
  }, 60_000);

  it('worker 1\'s canary analysis counts the canary requests both workers answered', async () => {
    const minSamples = 40;
    await cli('deploy', 'create', 'flights-api', '--model', 'flights', '--stable', '1', '--canary', '2=0', '--step-weights', '100', '--interval', '4', '--min-samples', String(minSamples), '--success-rate', '0.5', '--p99-ms', '10000');
    const server = await startServe(root, ['--deployment', 'flights-api', '--port', '0', '--workers', '2']);
    let stopped: Awaited<ReturnType<ServeProcess['stop']>> | undefined;
    try {
      // The rollout's first analysis window starts when it steps the canary from 0%.
      await server.waitFor(/Deployment flights-api: canary analysis started/, 10_000);
      // Worker 1 prints once it listens; health checks (not counted by the analysis) until worker 2 answers too.
      await untilBothWorkersAnswer(`${server.url}/v2/health/live`);
      // Requests pinned to the canary version count as the canary's, whatever its weight.
      const url = `${server.url}/v2/models/flights-api/versions/2/infer`;
      const answers = await Promise.all(Array.from({ length: minSamples }, () => request(url, 'POST', INFER)));
      for (const a of answers) expect(a.status, a.body).toBe(200);
      const perWorker = new Map<string, number>();
      for (const a of answers) perWorker.set(a.worker!, (perWorker.get(a.worker!) ?? 0) + 1);
      // Neither worker alone has minSamples canary requests: only their sum passes the check.
      expect([...perWorker.keys()].sort()).toEqual(['1', '2']);
      const promoted = await server.waitFor(/Deployment flights-api: (canary passed at 100%: .*)/, 15_000);
      expect(promoted[1]).toContain(`canary v2: ${minSamples} requests, 0 errors`);
      expect(promoted[1]).toContain('promoted version 2');
      const status = JSON.parse((await cli('deploy', 'status', 'flights-api', '--json')).stdout) as { deployment: { policy: { stable: string } } };
      expect(status.deployment.policy.stable).toBe('2');
    } finally {
      stopped = await server.stop();
    }
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(stopped.stdout).toContain('Shutting down');
  }, 60_000);
});
