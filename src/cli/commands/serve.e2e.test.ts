import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { predict, readModelPackage, type PredictionRow } from '../../models/index.js';
import { runCli, runCliOk, tempDir, type CliResult } from '../../test-support/cli.js';
import { oipTensors } from '../../test-support/oip.js';
import { startServe, type ServeProcess } from '../../test-support/serve-process.js';
import { flightRows, flightsCsv } from '../../test-support/flights.js';

/**
 * `paddock serve` through the real CLI (dist/, built by `npm run build`) in a fresh git project:
 * train and register a model, serve `models:/flights@champion`, move the alias to a second
 * version and watch the server swap to it under requests, then SIGTERM.
 */
const GIT_ENV = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };


const ROWS = [
  { hour: 7, weekday: 1, distance: 300, origin: 'SEA' },
  { hour: 18, weekday: 5, distance: 2400, origin: 'ORD' },
  { hour: 13, weekday: 3, distance: 1200, origin: 'ATL' },
  { hour: 21, weekday: 6, distance: 800, origin: 'JFK' },
];
const INFER = { inputs: oipTensors(ROWS) };


describe('paddock serve (end to end through the real CLI)', () => {
  let project: { dir: string; cleanup: () => void };
  let root = '';
  const cli = (...args: string[]): Promise<CliResult> => runCliOk(root, args);
  const want: Record<string, PredictionRow[]> = {};

  beforeAll(async () => {
    project = tempDir('paddock-serve-e2e-');
    root = project.dir;
    execFileSync('git', ['init', '-q'], { cwd: root, env: { ...process.env, ...GIT_ENV } });
    await cli('init');
    writeFileSync(path.join(root, 'flights.csv'), flightsCsv(flightRows(400, 1)));
    const train = (algorithm: string, out: string) => cli('train', '--task', 'classification', '--target', 'late', '--data', 'flights.csv', '--algorithm', algorithm, '-o', out, '--no-track');
    await train('gbdt', 'model');
    await train('linear', 'model2');
    await cli('models', 'register', 'model', '--name', 'flights', '--alias', 'champion');
    want['1'] = await predict(await readModelPackage(path.join(root, 'model')), ROWS);
    want['2'] = await predict(await readModelPackage(path.join(root, 'model2')), ROWS);
    // The versions are told apart by their answers, not only by the version they report.
    expect(want['1']!.map((p) => p.probabilities)).not.toEqual(want['2']!.map((p) => p.probabilities));
  });
  afterAll(() => project.cleanup());

  it('serves models:/flights@champion, follows the alias to a new version under requests, and shuts down on SIGTERM', async () => {
    const server = await startServe(root, ['models:/flights@champion', '--port', '0', '--poll', '1']);
    let stopped: Awaited<ReturnType<ServeProcess['stop']>> | undefined;
    try {
      expect(server.output()).toContain('Loaded flights version 1 from models:/flights@champion');
      const infer = async () => {
        const res = await fetch(`${server.url}/v2/models/flights/infer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(INFER) });
        const body = (await res.json()) as { model_version?: string; outputs?: { name: string; data: number[] }[] };
        return { status: res.status, body };
      };
      const check = (answer: Awaited<ReturnType<typeof infer>>) => {
        expect(answer.status, JSON.stringify(answer.body)).toBe(200);
        const expected = want[answer.body.model_version!]!;
        expect(expected, `unexpected version ${answer.body.model_version}`).toBeDefined();
        expect(answer.body.outputs![0]!.data).toEqual(expected.map((p) => p.label));
        answer.body.outputs![1]!.data.forEach((v, i) => expect(Math.abs(v - (expected.flatMap((p) => p.probabilities as number[])[i]!))).toBeLessThan(1e-6));
      };
      const first = await infer();
      check(first);
      expect(first.body.model_version).toBe('1');

      await cli('models', 'register', 'model2', '--name', 'flights');
      await cli('models', 'alias', 'set', 'flights', 'champion', '2');
      // Two clients keep calling while the server polls the alias (every second) and swaps.
      const deadline = Date.now() + 10_000;
      const versions: string[] = [];
      const client = async () => {
        while (Date.now() < deadline && !versions.includes('2')) {
          const answer = await infer();
          check(answer);
          versions.push(answer.body.model_version!);
        }
      };
      await Promise.all([client(), client()]);
      expect(versions).toContain('2');
      // Once it answers from version 2, it stays there.
      for (let i = 0; i < 5; i++) {
        const answer = await infer();
        check(answer);
        expect(answer.body.model_version).toBe('2');
      }
      expect(server.output()).toContain('flights: now serving version 2 (was 1)');
      const models = (await (await fetch(`${server.url}/v2/models`)).json()) as unknown;
      expect(models).toEqual({ models: [{ name: 'flights', version: '2', ready: true }] });
    } finally {
      stopped = await server.stop('SIGTERM');
    }
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(stopped.stdout).toContain('Shutting down: finishing requests in flight');
  });

  // Runs after the test above, which registered flights versions 1 and 2.
  it('serves a deployment: a sticky 50% canary, then `paddock deploy rollback` moves all traffic back within about a second', async () => {
    await cli('deploy', 'create', 'flights-api', '--model', 'flights', '--stable', '1', '--canary', '2=50', '--sticky-header', 'x-user');
    const server = await startServe(root, ['--deployment', 'flights-api', '--port', '0']);
    try {
      expect(server.output()).toContain('Deployment flights-api (revision 1): stable 1, canary 2 at 50%');
      const infer = async (user: string) => {
        const res = await fetch(`${server.url}/v2/models/flights-api/infer`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-user': user }, body: JSON.stringify(INFER) });
        const body = (await res.json()) as { model_version?: string; outputs?: { data: number[] }[] };
        expect(res.status, JSON.stringify(body)).toBe(200);
        expect(res.headers.get('x-paddock-variant')).toBe(body.model_version === '1' ? 'stable' : 'canary');
        expect(body.outputs![0]!.data).toEqual(want[body.model_version!]!.map((p) => p.label));
        return body.model_version!;
      };
      const byUser = new Map<string, string>();
      for (let u = 0; u < 40; u++) byUser.set(`user-${u}`, await infer(`user-${u}`));
      expect(new Set(byUser.values())).toEqual(new Set(['1', '2']));
      // Sticky: each user keeps the version they got.
      for (const [user, version] of [...byUser].slice(0, 10)) expect(await infer(user)).toBe(version);

      const canaryUsers = [...byUser].filter(([, v]) => v === '2').map(([u]) => u);
      const started = Date.now();
      await cli('deploy', 'rollback', 'flights-api', '--reason', 'test');
      let versions = await Promise.all(canaryUsers.map(infer));
      while (versions.includes('2') && Date.now() - started < 10_000) versions = await Promise.all(canaryUsers.map(infer));
      expect(versions.every((v) => v === '1')).toBe(true);
      // The CLI call itself takes part of this; the server follows the store every second.
      expect(Date.now() - started).toBeLessThan(4_000);
      const history = JSON.parse((await cli('deploy', 'history', 'flights-api', '--json')).stdout) as { events: { kind: string }[] };
      expect(history.events.map((e) => e.kind)).toEqual(['created', 'rolled-back']);
    } finally {
      await server.stop('SIGTERM');
    }
  });

  it('--workers 2 answers on one port from two processes and stops them all on SIGTERM', async () => {
    const server = await startServe(root, ['model', '--port', '0', '--workers', '2']);
    let stopped: Awaited<ReturnType<ServeProcess['stop']>> | undefined;
    try {
      expect(server.output()).toMatch(/listening on http:\/\/\S+ \(2 workers\)/);
      // Only worker 1 prints: the load line appears once.
      expect(server.output().match(/Loaded /g)).toHaveLength(1);
      const answers = await Promise.all(Array.from({ length: 24 }, async () => {
        const res = await fetch(`${server.url}/v2/models/model/infer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(INFER) });
        return { status: res.status, body: (await res.json()) as { outputs: { data: number[] }[] } };
      }));
      for (const a of answers) {
        expect(a.status).toBe(200);
        expect(a.body.outputs[0]!.data).toEqual(want['1']!.map((p) => p.label));
      }
    } finally {
      stopped = await server.stop('SIGTERM');
    }
    expect(stopped.code, stopped.stderr).toBe(0);
  });

  it('--max-batch-size: concurrent single-row requests share model runs, answer as alone, and /metrics shows the batch sizes', async () => {
    const server = await startServe(root, ['model', '--port', '0', '--max-batch-size', '16', '--max-latency-ms', '50']);
    let stopped: Awaited<ReturnType<ServeProcess['stop']>> | undefined;
    try {
      // 12 single-row requests at once (one per row, ROWS three times): under 16 rows, so the
      // batcher waits up to 50 ms for company and runs far fewer than 12 model calls.
      const rows = [...ROWS, ...ROWS, ...ROWS];
      const answers = await Promise.all(rows.map(async (row) => {
        const res = await fetch(`${server.url}/v2/models/model/infer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ inputs: oipTensors([row]) }) });
        return { status: res.status, body: (await res.json()) as { outputs: { data: number[] }[] } };
      }));
      answers.forEach((a, i) => {
        expect(a.status).toBe(200);
        const alone = want['1']![i % ROWS.length]!;
        expect(a.body.outputs[0]!.data).toEqual([alone.label]);
        a.body.outputs[1]!.data.forEach((v, k) => expect(Math.abs(v - (alone.probabilities as number[])[k]!)).toBeLessThan(1e-6));
      });
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      const value = (name: string) => Number(new RegExp(`^${name}\\{model="model",version="[^"]+"\\} (\\d+)`, 'm').exec(metrics)?.[1]);
      // Warm-up runs the input example outside the batcher: every batched row is a request's.
      expect(value('paddock_batcher_batch_rows_sum')).toBe(rows.length);
      expect(value('paddock_batcher_batch_rows_count')).toBeGreaterThanOrEqual(1);
      expect(value('paddock_batcher_batch_rows_count')).toBeLessThan(rows.length / 2);
      expect(value('paddock_inference_batch_rows_count')).toBe(rows.length);
    } finally {
      stopped = await server.stop('SIGTERM');
    }
    expect(stopped.code, stopped.stderr).toBe(0);
  });

  it('a directory that is not a model package, or a bad --port, exits non-zero naming it', async () => {
    mkdirSync(path.join(root, 'not-a-model'));
    const r = await runCli(root, ['serve', 'not-a-model', '--port', '0']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/not-a-model: not a model package \(no paddock-model\.yaml\)/);
    expect(r.stdout).not.toContain('listening');
    // Bad flags are refused before any model loads, naming the flag.
    const port = await runCli(root, ['serve', 'model', '--port', 'http']);
    expect(port.code).toBe(2);
    expect(port.stderr).toContain("--port must be a whole number from 0 to 65535, got 'http'");
    expect(port.stdout).not.toContain('Loaded');
  });
});
