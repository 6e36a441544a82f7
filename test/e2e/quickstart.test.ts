/**
 * The main job (`npm start` = `paddock quickstart`) end to end on the real flights data: the
 * pipeline on January, the deployment of version 1, then the loop Paddock closes by itself
 * (February–April replayed as traffic, their delays sent late as labels, the AUC alert firing on
 * the real numbers, the retraining it triggers on the newly landed data, the challenger gated
 * against the champion on the same held-out April flights, its canary promoted, the audit chain),
 * then every page of the web UI over that data (quickstart-web-tour.ts), then the loop a user
 * continues with: change a param, see it in status, reproduce only what changed.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, runCli, tempDir } from '../../src/test-support/cli.js';
import { describeWebTour } from './quickstart-web-tour.js';

/** The slice of `paddock audit --json`'s version chain the test reads. */
interface AuditedVersion {
  readonly version: number;
  readonly servedAs: string[];
  readonly trigger: Record<string, unknown>;
  readonly data: { readonly name: string; readonly digest: string; readonly validation?: { readonly passed: boolean } }[];
  readonly training?: { readonly gitCommit?: string };
  readonly evaluation: { readonly metrics: Record<string, number>; readonly gates: { readonly status: string; readonly expression: string }[] };
  readonly canary: { readonly kind: string }[];
  readonly promotion: { readonly action: string }[];
}

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
  it('versions the landed flights with the md5 that md5sum computes, January first, then through April', () => {
    const pointer = parse(readFileSync(path.join(project, 'data/flights.parquet.dvc'), 'utf8'));
    const md5sum = execFileSync('md5sum', ['data/flights.parquet'], { cwd: project, encoding: 'utf8' }).slice(0, 32);
    expect(pointer.outs[0].md5).toBe(md5sum);
    expect(pointer.outs[0].hash).toBe('md5');
    const first = parse(execFileSync('git', ['show', 'HEAD~1:data/flights.parquet.dvc'], { cwd: project, encoding: 'utf8' }));
    expect(first.outs[0].md5).toMatch(/^[0-9a-f]{32}$/);
    expect(first.outs[0].md5).not.toBe(md5sum);
    expect(output).toMatch(/landed 508239 flights, 2001-01-01 to 2001-01-31/);
    expect(output).toMatch(/landed 1978941 flights, 2001-01-01 to 2001-04-30/);
  });

  it('runs the five stages, records them in dvc.lock and writes sensible metrics', () => {
    const lock = parse(readFileSync(path.join(project, 'dvc.lock'), 'utf8'));
    expect(lock.schema).toBe('2.0');
    expect(Object.keys(lock.stages)).toEqual(['validate', 'featurize', 'train', 'evaluate', 'register']);
    // The last run is the retraining's: tested on the flights held out of April (about 82% on time).
    const metrics = JSON.parse(readFileSync(path.join(project, 'metrics.json'), 'utf8'));
    expect(metrics.n).toBe(50_000);
    expect(metrics.accuracy).toBeGreaterThan(0.8);
    expect(metrics.roc_auc).toBeGreaterThan(0.64);
    expect(output).toContain('test 50000 rows held out of 2001-01');
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

  it('deployed version 1 and replayed February–April to it, with their delays sent late as labels', () => {
    for (const month of ['2001-02', '2001-03', '2001-04']) {
      const replay = output.split(`# Replay ${month} as live traffic`)[1]!.split('\n# ')[0]!;
      expect(replay).toMatch(/by version: {2}1: 8000 \(100%\)/);
      expect(output).toContain(`data/traffic/${month}-labels.csv: 8000 labels, 8000 joined to predictions of flights, 0 unmatched`);
    }
  });

  it('fired the AUC alert on the real numbers, and the alert triggered the retraining', async () => {
    const fired = /\[serve\] Alert auc-decay fired on flights: performance roc_auc < 0.658 in 2 windows: ([\d.]+) \((\d+) samples\), ([\d.]+) \((\d+) samples\)/.exec(output);
    expect(fired, output).not.toBeNull();
    const [, v1, n1, v2, n2] = fired!.map(Number);
    for (const v of [v1!, v2!]) expect(v).toBeLessThan(0.658);
    for (const n of [n1!, n2!]) expect(n).toBeGreaterThanOrEqual(1000);
    expect(output).toMatch(/\[serve\] Trigger alert auc-decay on flights at \S+ → retraining alert-flights-auc-decay-\d+ queued/);
    // Printed once: the server's own line, not also its structured log record of the same alert.
    expect(output.split('\n').filter((l) => /\[serve\].*alert auc-decay fired/i.test(l)), output).toHaveLength(1);
    const history = await runCli(project, ['retrain', 'flights', '--history', '--json']);
    expect(history.code, history.stderr).toBe(0);
    const rows = JSON.parse(history.stdout) as { id: string; status: string; version?: number; trigger: { kind: string; detail: { rule: string; deployment: string; numbers: { value: number; windows: { value: number; samples: number }[] } } }; steps: { name: string; status: string; detail: string }[] }[];
    expect(rows).toHaveLength(1);
    const [r] = rows;
    expect(r).toMatchObject({ status: 'succeeded', version: 2, trigger: { kind: 'alert', detail: { rule: 'auc-decay', deployment: 'flights' } } });
    // The record keeps the numbers that fired it: the same two windows the server printed.
    expect(r!.trigger.detail.numbers.windows.map((w) => w.value.toPrecision(4))).toEqual([v1, v2].map((v) => v!.toPrecision(4)));
    expect(r!.steps.map((s) => [s.name, s.status])).toEqual([['pipeline', 'ok'], ['challenger', 'ok'], ['gates', 'ok'], ['canary', 'ok']]);
    expect(r!.steps[0]!.detail).toBe('ran validate, featurize, train, evaluate, register');
  });

  it('judged the input-drift rule on the replayed windows and printed its numbers', () => {
    // February–April hardly move the inputs from January (the numbers are in paddock.yaml's comment).
    const line = /# The input-drift rule judged (\d+) windows of 1000\+ rows: (\d+) had half the inputs drifting \(share ≥ 0\.5\), (it fired|never 2 in a row, so it stayed quiet); largest input score (\w+) (\w+) ([\d.]+) \(threshold ([\d.]+)\), largest output score (\w+) (\w+) ([\d.]+) \(threshold ([\d.]+)\)/.exec(output);
    expect(line, output).not.toBeNull();
    const [, windows, breached, verdict, column, , score, , outColumn, , outScore] = line!;
    // 3 × 8000 rows at 700/s fill at least two 10 s windows of 1000 rows.
    expect(Number(windows)).toBeGreaterThanOrEqual(2);
    expect(Number(breached)).toBeLessThanOrEqual(Number(windows));
    expect(['hour', 'weekday', 'distance', 'origin']).toContain(column);
    expect(Number(score)).toBeGreaterThan(0);
    expect(['probabilities', 'label']).toContain(outColumn);
    expect(Number(outScore)).toBeGreaterThan(0);
    // The line tells what the server did.
    if (verdict === 'it fired') expect(output).toMatch(/\[serve\] Alert input-drift fired on flights: dataset_drift/);
    else expect(output).not.toMatch(/Alert input-drift fired/);
  });

  it('retrained on the newly landed months and gated the challenger against the champion on the same April flights', () => {
    const lock = parse(readFileSync(path.join(project, 'dvc.lock'), 'utf8'));
    const pointer = parse(readFileSync(path.join(project, 'data/flights.parquet.dvc'), 'utf8'));
    // The retraining's pipeline read the data version through April.
    expect(lock.stages.validate.deps.find((d: { path: string }) => d.path === 'data/flights.parquet').md5).toBe(pointer.outs[0].md5);
    expect(JSON.parse(readFileSync(path.join(project, 'registered.json'), 'utf8'))).toMatchObject({ name: 'flights-late', version: 2, aliases: ['challenger'] });
    // The evaluate stage ran in the retraining (its log is the stage's), on the April hold-out.
    expect(output).toContain('test 50000 rows held out of 2001-01');
    const log = readFileSync(path.join(project, '.paddock/logs/featurize.log'), 'utf8');
    expect(log).toContain('featurized 1978941 flights (2001-01 to 2001-04)');
    expect(log).toContain('test 50000 rows held out of 2001-04');
  });

  it('took the challenger through a canary to promotion, and the audit chain links alert, trigger, data, runs, gates, canary and promotion', async () => {
    const history = await runCli(project, ['deploy', 'history', 'flights', '--json']);
    expect(history.code, history.stderr).toBe(0);
    const events = JSON.parse(history.stdout).events as { kind: string; actor: string; reason?: string; to: { stable: string; candidates: { version: string; weight: number }[] } }[];
    expect(events[0]).toMatchObject({ kind: 'created', to: { stable: '1', candidates: [] } });
    expect(events[1]).toMatchObject({ actor: 'paddock-retraining', to: { stable: '1', candidates: [{ version: '2', weight: 0 }] }, reason: expect.stringMatching(/^canary of version 2 from retraining alert-flights-auc-decay-\d+$/) });
    const byAnalysis = events.filter((e) => e.actor === 'paddock-analysis');
    expect(byAnalysis.filter((e) => e.kind === 'step').length).toBeGreaterThanOrEqual(3); // started at 25%, then 50%, then 100%
    expect(byAnalysis.at(-1)).toMatchObject({ kind: 'promoted', to: { stable: '2', candidates: [] }, reason: expect.stringMatching(/canary v2: \d+ requests.*promoted version 2/) });
    const after = output.split('# Traffic after the promotion')[1]!.split('\n# ')[0]!;
    expect(after).toMatch(/by version: {2}2: 500 \(100%\)/);

    const audit = await runCli(project, ['audit', 'flights-late', '--json']);
    expect(audit.code, audit.stderr).toBe(0);
    const v2 = (JSON.parse(audit.stdout).versions as AuditedVersion[]).find((v) => v.version === 2)!;
    expect(v2.servedAs).toEqual(expect.arrayContaining(['alias champion', 'deployment flights (stable)']));
    expect(v2.trigger).toMatchObject({ kind: 'alert', retraining: expect.stringMatching(/^alert-flights-auc-decay-/), alert: { rule: 'auc-decay' } });
    expect(v2.data.map((d) => d.name)).toContain('data/features/train.parquet');
    // The landed data version it learned from (January–April, the pointer's md5), validated.
    const landed = parse(readFileSync(path.join(project, 'data/flights.parquet.dvc'), 'utf8')).outs[0].md5 as string;
    expect(v2.data.find((d) => d.name === 'data/flights.parquet')).toMatchObject({ digest: landed, validation: { passed: true } });
    expect(output).toMatch(new RegExp(`data data/flights\\.parquet md5 ${landed}\\n\\s+validation passed in run [0-9a-f]{32}`));
    expect(v2.training?.gitCommit).toMatch(/^[0-9a-f]{40}$/);
    expect(v2.evaluation.metrics.roc_auc).toBeGreaterThanOrEqual(v2.evaluation.metrics.champion_roc_auc! + 0.005);
    expect(v2.evaluation.metrics.n).toBe(50_000);
    expect(v2.evaluation.metrics.champion_n).toBe(50_000);
    expect(v2.evaluation.gates).toEqual(expect.arrayContaining([expect.objectContaining({ expression: 'auc >= champion.auc + 0.005', status: 'passed' })]));
    expect(v2.canary.map((s) => s.kind)).toEqual(expect.arrayContaining(['set', 'step', 'promoted']));
    expect(v2.promotion.map((p) => p.action)).toEqual(expect.arrayContaining(['deployment.promoted']));
    expect(readFileSync(path.join(project, 'audit.html'), 'utf8')).toContain('auc-decay');
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
});

// The web UI over the same run, before the user changes anything (the pipeline is all up to date).
describeWebTour(() => ({ url: serverUrl }));

describe('quickstart, continued by the user', () => {
  it('shows a changed param in status, retrains, and the gate refuses a challenger that does not beat the champion (version 2)', async () => {
    const params = path.join(project, 'params.yaml');
    writeFileSync(params, readFileSync(params, 'utf8').replace('min_samples_leaf: 50', 'min_samples_leaf: 60'));
    const status = await runCli(project, ['status', '--json']);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toEqual({ train: [{ 'changed deps': { 'params.yaml': { train: 'modified' } } }] });
    // The same data with a slightly different leaf size ranks April's flights about as well as
    // version 2 does: not the 0.005 of AUC the gate asks for, so nothing is registered.
    const repro = await runCli(project, ['repro']);
    expect(repro.code, repro.stdout).not.toBe(0);
    expect(repro.stdout + repro.stderr).toMatch(/FAIL\s+auc >= champion\.auc \+ 0\.005|gates? failed: auc >= champion\.auc \+ 0\.005/);
    expect(JSON.parse(readFileSync(path.join(project, 'registered.json'), 'utf8'))).toMatchObject({ name: 'flights-late', version: 2 });
  }, 180_000);
});
