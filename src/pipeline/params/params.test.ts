import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isPaddockError } from '../../core/errors.js';
import { tempDir } from '../../test-support/cli.js';
import { loadPipeline } from '../definition/load-pipeline.js';
import { paramsDiff } from './params-diff.js';
import { readParams } from './read-params.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

function write(rel: string, text: string): void {
  mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  writeFileSync(path.join(dir, rel), text);
}

function git(...args: string[]): void {
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: dir, stdio: 'ignore' });
}

describe('readParams', () => {
  it('records params as dvc.lock does: params.yaml first, files alphabetical, keys sorted, dotted keys nested', async () => {
    write('params.yaml', 'train:\n  lr: 0.01\n  layers: [64, 32]\nseed: 42\nprep: {split: 0.2}\n');
    write('z.json', '{"b": 2, "a": {"x": 1}}');
    write('conf/a.toml', '[model]\nname = "resnet"\ndepth = 50\n');
    write('dvc.yaml', 'stages:\n  t:\n    cmd: echo\n    params:\n      - z.json:\n      - seed\n      - train.lr\n      - conf/a.toml: [model.depth]\n      - prep\n      - train.layers\n');
    const [stage] = (await loadPipeline({ root: dir })).stages;
    const values = await readParams({ root: dir }, stage!);
    expect(JSON.stringify(values)).toBe(
      JSON.stringify({
        'params.yaml': { prep: { split: 0.2 }, seed: 42, 'train.layers': [64, 32], 'train.lr': 0.01 },
        'conf/a.toml': { 'model.depth': 50 },
        'z.json': { a: { x: 1 }, b: 2 },
      }),
    );
  });

  it('PARAM_MISSING names the file and the key', async () => {
    write('params.yaml', 'lr: 1\n');
    write('dvc.yaml', 'stages:\n  t:\n    cmd: echo\n    params: [lr, train.epochs]\n');
    const [stage] = (await loadPipeline({ root: dir })).stages;
    const err = await readParams({ root: dir }, stage!).catch((e: unknown) => e);
    expect(isPaddockError(err, 'PARAM_MISSING')).toBe(true);
    expect((err as Error).message).toContain("'train.epochs'");
    expect((err as Error).message).toContain(path.join(dir, 'params.yaml'));
  });

  it('PARAM_MISSING when the params file does not exist', async () => {
    write('dvc.yaml', 'stages:\n  t:\n    cmd: echo\n    params: [{other.yaml: [a]}]\n');
    const [stage] = (await loadPipeline({ root: dir })).stages;
    await expect(readParams({ root: dir }, stage!)).rejects.toThrow(/other\.yaml/);
  });
});

describe('paramsDiff', () => {
  it('compares HEAD with the workspace and two commits, dotted keys, --all', async () => {
    write('params.yaml', 'train:\n  lr: 0.01\n  epochs: 5\nseed: 1\n');
    write('dvc.yaml', 'stages:\n  t:\n    cmd: echo\n    params: [train.lr, {extra.json: }]\n');
    write('extra.json', '{"k": "a"}');
    git('init', '-q');
    git('add', '.');
    git('commit', '-q', '-m', 'one');
    write('params.yaml', 'train:\n  lr: 0.02\n  epochs: 5\nseed: 1\nnew: true\n');
    expect(await paramsDiff({ root: dir })).toEqual({ 'params.yaml': { 'train.lr': { old: 0.01, new: 0.02 }, new: { old: null, new: true } } });
    const all = await paramsDiff({ root: dir }, { all: true });
    expect(Object.keys(all['params.yaml']!)).toEqual(['new', 'seed', 'train.epochs', 'train.lr']);
    expect(all['extra.json']).toEqual({ k: { old: 'a', new: 'a' } });
    git('commit', '-q', '-am', 'two');
    expect(await paramsDiff({ root: dir }, { a: 'HEAD~1', b: 'HEAD' })).toEqual({ 'params.yaml': { 'train.lr': { old: 0.01, new: 0.02 }, new: { old: null, new: true } } });
    await expect(paramsDiff({ root: dir }, { a: 'nope' })).rejects.toThrow(/unknown git revision 'nope'/);
  });
});
