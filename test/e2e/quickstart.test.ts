/**
 * The main job (`npm start` = `paddock quickstart`) end to end on the real flights data, then
 * the loop a user continues with: change a param, see it in status, reproduce only what changed.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../../src/test-support/cli.js';

let dir: string;
let cleanup: () => void;
let project: string;
let output: string;

beforeAll(async () => {
  ({ dir, cleanup } = tempDir('paddock-quickstart-test-'));
  project = path.join(dir, 'qs');
  const r = await runCli(dir, ['quickstart', '--dir', project]);
  expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
  output = r.stdout;
}, 120_000);
afterAll(() => cleanup());

describe('quickstart', () => {
  it('versions the flights file with the md5 that md5sum computes', () => {
    const pointer = parse(readFileSync(path.join(project, 'data/flights-3m.parquet.dvc'), 'utf8'));
    const md5sum = execFileSync('md5sum', ['data/flights-3m.parquet'], { cwd: project, encoding: 'utf8' }).slice(0, 32);
    expect(pointer.outs[0].md5).toBe(md5sum);
    expect(pointer.outs[0].hash).toBe('md5');
  });

  it('runs the three stages, records them in dvc.lock and writes sensible metrics', () => {
    const lock = parse(readFileSync(path.join(project, 'dvc.lock'), 'utf8'));
    expect(lock.schema).toBe('2.0');
    expect(Object.keys(lock.stages)).toEqual(['prepare', 'train', 'evaluate']);
    const metrics = JSON.parse(readFileSync(path.join(project, 'metrics.json'), 'utf8'));
    expect(metrics.test_rows).toBeGreaterThan(500_000);
    expect(metrics.accuracy).toBeGreaterThan(0.5);
    expect(metrics.auc).toBeGreaterThan(0.5);
    expect(output).toContain('nothing to reproduce');
    expect(output).toContain('Where to look');
  });

  it('shows a changed param in status and reruns only the stages downstream of it', async () => {
    const params = path.join(project, 'params.yaml');
    writeFileSync(params, readFileSync(params, 'utf8').replace('threshold: 0.5', 'threshold: 0.6'));
    const status = await runCli(project, ['status', '--json']);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toEqual({ evaluate: [{ 'changed deps': { 'params.yaml': { evaluate: 'modified' } } }] });
    const repro = await runCli(project, ['repro', '--json']);
    expect(repro.code, repro.stderr).toBe(0);
    const summary = JSON.parse(repro.stdout);
    expect(summary.ran).toEqual(['evaluate']);
    expect(summary.skipped).toEqual(['prepare', 'train']);
    const after = await runCli(project, ['status', '--json']);
    expect(JSON.parse(after.stdout)).toEqual({});
  });
});
