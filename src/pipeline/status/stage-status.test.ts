import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openProject } from '../../app.js';
import { tempDir } from '../../test-support/cli.js';
import { repro } from '../repro/repro.js';
import { pipelineStatus } from './pipeline-status.js';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

const DVC_YAML = `stages:
  prep:
    cmd: cat in.txt > mid.txt
    deps:
    - in.txt
    outs:
    - mid.txt
  train:
    cmd: cat mid.txt > model.txt
    deps:
    - mid.txt
    params:
    - lr
    outs:
    - model.txt
`;

function setup(yaml = DVC_YAML): string {
  const { dir, cleanup } = tempDir('paddock-status-');
  cleanups.push(cleanup);
  writeFileSync(path.join(dir, 'paddock.yaml'), '');
  mkdirSync(path.join(dir, '.paddock'));
  writeFileSync(path.join(dir, 'in.txt'), 'foo');
  writeFileSync(path.join(dir, 'params.yaml'), 'lr: 0.1\nother: 1\n');
  writeFileSync(path.join(dir, 'dvc.yaml'), yaml);
  return dir;
}

async function status(dir: string) {
  return (await pipelineStatus(openProject({ cwd: dir, logLevel: 'silent' }))).dvc;
}

async function run(dir: string) {
  return repro(openProject({ cwd: dir, logLevel: 'silent' }));
}

describe('stage status (invalidation)', () => {
  it('reports stages without a lock entry, then nothing after a repro', async () => {
    const dir = setup();
    expect(await status(dir)).toEqual({
      prep: [{ 'changed deps': { 'in.txt': 'modified' } }, { 'changed outs': { 'mid.txt': 'deleted' } }],
      train: [{ 'changed deps': { 'mid.txt': 'deleted', 'params.yaml': 'new' } }, { 'changed outs': { 'model.txt': 'deleted' } }],
    });
    await run(dir);
    expect(await status(dir)).toEqual({});
  });

  it('detects a changed dep, param, command, and deleted / modified outputs', async () => {
    const dir = setup();
    await run(dir);
    writeFileSync(path.join(dir, 'in.txt'), 'bar');
    writeFileSync(path.join(dir, 'params.yaml'), 'lr: 0.2\nother: 2\n');
    expect(await status(dir)).toEqual({
      prep: [{ 'changed deps': { 'in.txt': 'modified' } }],
      train: [{ 'changed deps': { 'params.yaml': { lr: 'modified' } } }],
    });
    await run(dir);
    writeFileSync(path.join(dir, 'dvc.yaml'), DVC_YAML.replace('cat mid.txt > model.txt', 'cp mid.txt model.txt'));
    rmSync(path.join(dir, 'mid.txt'));
    expect(await status(dir)).toEqual({
      prep: [{ 'changed outs': { 'mid.txt': 'deleted' } }],
      train: [{ 'changed deps': { 'mid.txt': 'deleted' } }, 'changed command'],
    });
    const result = await run(dir);
    // prep's output was only deleted: it comes back from the cache without running.
    expect(result.stages.map((s) => [s.name, s.result])).toEqual([['prep', 'restored'], ['train', 'ran']]);
    writeFileSync(path.join(dir, 'model.txt'), 'edited');
    expect(await status(dir)).toEqual({ train: [{ 'changed outs': { 'model.txt': 'modified' } }] });
  });

  it('always_changed stages and stages with no deps or outs always run; frozen ones ignore their deps', async () => {
    const dir = setup(`stages:
  always:
    cmd: printf foo > a.txt
    outs:
    - a.txt
    always_changed: true
  callback:
    cmd: "true"
  frozen:
    cmd: cat in.txt > f.txt
    deps:
    - in.txt
    outs:
    - f.txt
`);
    writeFileSync(path.join(dir, 'f.txt'), 'foo');
    const first = await run(dir);
    expect(first.stages.map((s) => [s.name, s.result])).toEqual([['always', 'ran'], ['callback', 'ran'], ['frozen', 'ran']]);
    writeFileSync(path.join(dir, 'dvc.yaml'), `${(await import('node:fs')).readFileSync(path.join(dir, 'dvc.yaml'), 'utf8')}    frozen: true\n`);
    writeFileSync(path.join(dir, 'in.txt'), 'changed');
    expect(await status(dir)).toEqual({ always: ['always changed'], callback: ['always changed'] });
    const second = await run(dir);
    expect(second.stages.map((s) => [s.name, s.result])).toEqual([['always', 'ran'], ['callback', 'ran'], ['frozen', 'skipped']]);
  });
});
