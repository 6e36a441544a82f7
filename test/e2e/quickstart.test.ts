/**
 * The main job (`npm start` = `paddock quickstart`) end to end on the real flights data: the
 * pipeline, then the deployment (version 1 stable, later months replayed as traffic, version 2 as
 * a canary the analysis promotes), then the loop a user continues with: change a param, see it
 * in status, reproduce only what changed.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, runCli, tempDir } from '../../src/test-support/cli.js';

let dir: string;
let cleanup: () => void;
let project: string;
let output = '';
let quickstart: ChildProcess;
let serverUrl: string;

// `npm start` as a user runs it: the tour, then a server left running until stopped.
beforeAll(async () => {
  ({ dir, cleanup } = tempDir('paddock-quickstart-test-'));
  project = path.join(dir, 'qs');
  quickstart = spawn(process.execPath, [CLI, 'quickstart', '--dir', project], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
  quickstart.stderr!.on('data', (d) => (output += d));
  serverUrl = await new Promise<string>((resolve, reject) => {
    quickstart.stdout!.on('data', (d) => {
      output += d;
      const m = /Paddock server listening on (http:\/\/[\d.:]+)/.exec(output);
      if (m) resolve(m[1]!);
    });
    quickstart.once('close', (code) => reject(new Error(`quickstart exited (${code}) before serving:\n${output}`)));
  });
}, 480_000);
afterAll(async () => {
  if (quickstart.exitCode === null) {
    const closed = new Promise((resolve) => quickstart.once('close', resolve));
    quickstart.kill('SIGTERM');
    await closed;
  }
  cleanup();
});

describe('quickstart', () => {
  it('versions the flights file with the md5 that md5sum computes', () => {
    const pointer = parse(readFileSync(path.join(project, 'data/flights-3m.parquet.dvc'), 'utf8'));
    const md5sum = execFileSync('md5sum', ['data/flights-3m.parquet'], { cwd: project, encoding: 'utf8' }).slice(0, 32);
    expect(pointer.outs[0].md5).toBe(md5sum);
    expect(pointer.outs[0].hash).toBe('md5');
  });

  it('runs the five stages, records them in dvc.lock and writes sensible metrics', () => {
    const lock = parse(readFileSync(path.join(project, 'dvc.lock'), 'utf8'));
    expect(lock.schema).toBe('2.0');
    expect(Object.keys(lock.stages)).toEqual(['validate', 'featurize', 'train', 'evaluate', 'register']);
    const metrics = JSON.parse(readFileSync(path.join(project, 'metrics.json'), 'utf8'));
    expect(metrics.n).toBe(200_000);
    // Better than the majority class (about 80% on time) and than chance ranking.
    expect(metrics.accuracy).toBeGreaterThan(0.79);
    expect(metrics.roc_auc).toBeGreaterThan(0.6);
    expect(metrics.latency_p99_ms).toBeGreaterThan(0);
    expect(readFileSync(path.join(project, 'reports/evaluation.html'), 'utf8')).toContain('<svg');
    expect(readFileSync(path.join(project, 'reports/validation.html'), 'utf8')).toContain('passed');
    expect(output).toContain('nothing to reproduce');
    expect(output).toContain('Byte-identical: the version reproduces from its lineage.');
    expect(output).toContain('Where to look');
  });

  it('logged the train and evaluate runs, linked to their stages and data', async () => {
    const r = await runCli(project, ['runs', 'list', '-e', 'quickstart', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const runs = JSON.parse(r.stdout).runs as { info: { runName: string }; data: { tags: Record<string, string> } }[];
    // Version 1's and version 2's.
    expect(runs.map((x) => x.info.runName).sort()).toEqual(['evaluate model', 'evaluate model', 'train model', 'train model']);
    const train = runs.find((x) => x.info.runName === 'train model')!;
    expect(train.data.tags['paddock.stage']).toBe('train');
    expect(train.data.tags['paddock.git.commit']).toMatch(/^[0-9a-f]{40}$/);
  });

  it('deployed version 1, replayed later flights to it, and the canary analysis promoted version 2', async () => {
    expect(output).toMatch(/by version: {2}1: 2000 \(100%\)/);
    expect(JSON.parse(readFileSync(path.join(project, 'registered.json'), 'utf8'))).toMatchObject({ name: 'flights-late', version: 2, aliases: ['challenger'] });
    const history = await runCli(project, ['deploy', 'history', 'flights', '--json']);
    expect(history.code, history.stderr).toBe(0);
    const events = JSON.parse(history.stdout).events as { kind: string; actor: string; reason?: string; to: { stable: string; candidates: { version: string; weight: number }[] } }[];
    expect(events[0]).toMatchObject({ kind: 'created', to: { stable: '1', candidates: [] } });
    const byAnalysis = events.filter((e) => e.actor === 'paddock-analysis');
    expect(byAnalysis.filter((e) => e.kind === 'step').length).toBeGreaterThanOrEqual(3); // started at 25%, then 50%, then 100%
    expect(byAnalysis.at(-1)).toMatchObject({ kind: 'promoted', to: { stable: '2', candidates: [] }, reason: expect.stringMatching(/canary v2: \d+ requests.*promoted version 2/) });
    expect(events.at(-1)!.kind).toBe('promoted');
    const status = await runCli(project, ['deploy', 'status', 'flights', '--json']);
    expect(JSON.parse(status.stdout).deployment.policy).toMatchObject({ stable: '2', candidates: [] });
    const after = output.split('# Traffic after the promotion')[1]!.split('\n# ')[0]!;
    expect(after).toMatch(/by version: {2}2: 500 \(100%\)/);
  });

  it('registered the packages, made the promoted version champion and serves it over the MLflow API and /v2', async () => {
    const res = await fetch(`${serverUrl}/api/2.0/mlflow/registered-models/alias?name=flights-late&alias=champion`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { model_version: { version: string; run_id: string; aliases: string[] } };
    expect(body.model_version.version).toBe('2');
    expect([...body.model_version.aliases].sort()).toEqual(['challenger', 'champion']);
    const manifest = parse(readFileSync(path.join(project, 'model/paddock-model.yaml'), 'utf8'));
    expect(body.model_version.run_id).toBe(manifest.lineage.run_id);
    expect(output).toContain(`curl -s ${serverUrl}/api/v1/openapi.json`);
    // The printed curl line, as a user would paste it.
    const curl = new RegExp(`curl -s -X POST ${serverUrl}/v2/models/flights/infer -H 'content-type: application/json' -d '([^']+)'`).exec(output);
    expect(curl).not.toBeNull();
    const infer = await fetch(`${serverUrl}/v2/models/flights/infer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: curl![1] });
    expect(infer.status).toBe(200);
    expect(await infer.json()).toMatchObject({ model_name: 'flights', model_version: '2' });
  });

  it('shows a changed param in status, retrains, gates against the champion (version 2) and registers a challenger', async () => {
    const params = path.join(project, 'params.yaml');
    writeFileSync(params, readFileSync(params, 'utf8').replace('min_samples_leaf: 50', 'min_samples_leaf: 60'));
    const status = await runCli(project, ['status', '--json']);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toEqual({ train: [{ 'changed deps': { 'params.yaml': { train: 'modified' } } }] });
    const repro = await runCli(project, ['repro', '--json']);
    expect(repro.code, repro.stderr + repro.stdout).toBe(0);
    const summary = JSON.parse(repro.stdout);
    expect(summary.ran).toEqual(['train', 'evaluate', 'register']);
    expect(summary.skipped).toEqual(['validate', 'featurize']);
    expect(JSON.parse(readFileSync(path.join(project, 'registered.json'), 'utf8'))).toMatchObject({ name: 'flights-late', version: 3, aliases: ['challenger'] });
    const after = await runCli(project, ['status', '--json']);
    expect(JSON.parse(after.stdout)).toEqual({});
  }, 180_000);
});
