import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, runCliOk, tempDir, type CliResult } from '../../test-support/cli.js';
import { prng } from '../../test-support/prng.js';
import { startServe, type ServeProcess } from '../../test-support/serve-process.js';
import type { ReplaySummary } from '../../serving/index.js';

/**
 * `paddock replay` through the real CLI (dist/) against a real `paddock serve --deployment`: a
 * project with two trained versions of `flights` behind a deployment with a 50% canary, sticky
 * by the `x-user` header.
 */
const GIT_ENV = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };
const ORIGINS = ['ATL', 'ORD', 'SEA', 'JFK'];

/** Flight-like rows: hour, weekday, distance, origin and the `late` label. */
function flightRows(n: number, seed: number): { hour: number; weekday: number; distance: number; origin: string; late: number }[] {
  const rnd = prng(seed);
  return Array.from({ length: n }, () => {
    const hour = Math.floor(rnd() * 24);
    const origin = ORIGINS[Math.floor(rnd() * ORIGINS.length)]!;
    const distance = 100 + Math.floor(rnd() * 2900);
    const late = 0.25 * (hour - 14) + (origin === 'ORD' ? 1.2 : 0) + distance / 2000 - 0.8 + (rnd() - 0.5) * 2 > 0 ? 1 : 0;
    return { hour, weekday: 1 + Math.floor(rnd() * 7), distance, origin, late };
  });
}

describe('paddock replay (end to end against paddock serve)', () => {
  let project: { dir: string; cleanup: () => void };
  let server: ServeProcess;
  let infer = '';
  const cli = (...args: string[]): Promise<CliResult> => runCliOk(project.dir, args);
  const inferences = async (): Promise<number> => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    return [...text.matchAll(/^paddock_inference_requests_total\{[^}]*model="api"[^}]*\} (\d+)/gm)].reduce((s, m) => s + Number(m[1]), 0);
  };

  beforeAll(async () => {
    project = tempDir('paddock-replay-e2e-');
    const cwd = project.dir;
    execFileSync('git', ['init', '-q'], { cwd, env: { ...process.env, ...GIT_ENV } });
    await cli('init');
    const csv = (rows: ReturnType<typeof flightRows>) => `hour,weekday,distance,origin,late\n${rows.map((r) => [r.hour, r.weekday, r.distance, r.origin, r.late].join(',')).join('\n')}\n`;
    writeFileSync(path.join(cwd, 'flights.csv'), csv(flightRows(400, 1)));
    await cli('train', '--task', 'classification', '--target', 'late', '--data', 'flights.csv', '--algorithm', 'gbdt', '-o', 'model', '--no-track');
    await cli('train', '--task', 'classification', '--target', 'late', '--data', 'flights.csv', '--algorithm', 'linear', '-o', 'model2', '--no-track');
    await cli('models', 'register', 'model', '--name', 'flights');
    await cli('models', 'register', 'model2', '--name', 'flights');
    await cli('deploy', 'create', 'api', '--model', 'flights', '--stable', '1', '--canary', '2=50', '--sticky-header', 'x-user');
    // Later traffic, as JSON lines; the last row's hour (1.5) is not a whole number: the server answers 400.
    const later = flightRows(40, 2).map((r, i) => JSON.stringify({ ...r, ...(i === 39 ? { hour: 1.5 } : {}) }));
    writeFileSync(path.join(cwd, 'later.jsonl'), `${later.join('\n')}\n`);
    writeFileSync(path.join(cwd, 'no-origin.csv'), 'hour,weekday,distance\n7,1,300\n');
    server = await startServe(cwd, ['--deployment', 'api', '--port', '0']);
    infer = `${server.url}/v2/models/api/infer`;
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    project?.cleanup();
  });

  it('sends every row, counts answers by version and status, and reports a 400 with its body', async () => {
    const r = await cli('replay', 'later.jsonl', '--url', infer, '--concurrency', '3', '--json');
    const summary = JSON.parse(r.stdout) as ReplaySummary;
    expect(summary).toMatchObject({ file: 'later.jsonl', url: infer, requests: 40, byStatus: { 200: 39, 400: 1 }, transportFailures: 0 });
    // Without the sticky header each request is routed on its own: both versions answer (50% each).
    expect(Object.keys(summary.byVersion).sort()).toEqual(['1', '2']);
    expect(summary.byVersion['1']! + summary.byVersion['2']!).toBe(39);
    expect(summary.firstError).toMatchObject({ status: 400, body: expect.stringMatching(/hour/) });
    expect(summary.latencyMs.p50).toBeGreaterThan(0);
  }, 60_000);

  it('sends --header with every request: one sticky user is answered by one version; --limit caps the rows', async () => {
    const r = await cli('replay', 'later.jsonl', '--url', infer, '--limit', '20', '--header', 'x-user=ann', '--rate', '200');
    expect(r.stdout).toMatch(/^Replayed 20 rows of later\.jsonl to http/m);
    expect(r.stdout).toMatch(/by status: {3}200: 20 \(100%\)/);
    expect(r.stdout).toMatch(/by version: {2}[12]: 20 \(100%\)$/m);
  }, 60_000);

  it("fails naming a model input the file lacks, before sending a request", async () => {
    const before = await inferences();
    expect(before).toBeGreaterThan(0); // the tests above sent some
    const r = await runCli(project.dir, ['replay', 'no-origin.csv', '--url', infer]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no-origin\.csv: no column 'origin', which the model takes as input/);
    expect(await inferences()).toBe(before);
  }, 60_000);

  it('exits non-zero when the server cannot be reached', async () => {
    const r = await runCli(project.dir, ['replay', 'later.jsonl', '--url', 'http://127.0.0.1:1/v2/models/api/infer']);
    expect(r.code).toBe(69);
    expect(r.stderr).toMatch(/cannot reach the model server/);
  }, 60_000);
});
