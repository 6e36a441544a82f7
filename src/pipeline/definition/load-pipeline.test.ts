import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isPaddockError, type PaddockError } from '../../core/errors.js';
import { tempDir } from '../../test-support/cli.js';
import { loadPipeline } from './load-pipeline.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

function write(rel: string, text: string): void {
  mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  writeFileSync(path.join(dir, rel), text);
}

async function failure(): Promise<PaddockError> {
  try {
    await loadPipeline({ root: dir });
  } catch (err) {
    if (isPaddockError(err)) return err;
    throw err;
  }
  throw new Error('expected loadPipeline to fail');
}

describe('loadPipeline: fields', () => {
  it('parses every stage field', async () => {
    write(
      'dvc.yaml',
      `stages:
  train:
    desc: Train the model
    cmd:
      - python prep.py
      - python train.py
    wdir: src
    deps: [prep.py, ../data/raw.csv]
    params:
      - lr
      - train.epochs
      - config/custom.json: [batch]
      - whole.yaml:
    outs:
      - ../model.pkl
      - ../cache_dir:
          cache: false
          persist: true
          remote: backup
          push: false
          desc: scratch
    metrics:
      - ../metrics.json:
          cache: false
    plots:
      - ../loss.csv:
          x: step
          y: loss
          template: scatter
          title: Loss
    frozen: true
    always_changed: true
    meta: {owner: ml-team}
`,
    );
    const pipeline = await loadPipeline({ root: dir });
    expect(pipeline.root).toBe(dir);
    const [s] = pipeline.stages;
    expect(s).toEqual({
      name: 'train',
      file: path.join(dir, 'dvc.yaml'),
      wdir: path.join(dir, 'src'),
      cmd: ['python prep.py', 'python train.py'],
      deps: ['prep.py', '../data/raw.csv'],
      params: [
        { file: 'params.yaml', keys: ['lr', 'train.epochs'] },
        { file: 'config/custom.json', keys: ['batch'] },
        { file: 'whole.yaml', keys: null },
      ],
      outs: [
        { path: '../model.pkl', kind: 'outs', cache: true, persist: false, push: true },
        { path: '../cache_dir', kind: 'outs', cache: false, persist: true, push: false, remote: 'backup', desc: 'scratch' },
        { path: '../metrics.json', kind: 'metrics', cache: false, persist: false, push: true },
        { path: '../loss.csv', kind: 'plots', cache: true, persist: false, push: true, plot: { x: 'step', y: 'loss', template: 'scatter', title: 'Loss' } },
      ],
      frozen: true,
      alwaysChanged: true,
      desc: 'Train the model',
      meta: { owner: 'ml-team' },
    });
  });

  it('tracks a whole params file when listed with null or [] even if keys are listed too', async () => {
    write('dvc.yaml', 'stages:\n  a:\n    cmd: echo\n    params:\n      - lr\n      - params.yaml:\n      - other.yaml: [x]\n      - other.yaml: []\n');
    const [s] = (await loadPipeline({ root: dir })).stages;
    expect(s!.params).toEqual([{ file: 'params.yaml', keys: null }, { file: 'other.yaml', keys: null }]);
  });

  it('finds dvc.yaml in subfolders, root first, skipping .git, .dvc, .paddock and node_modules', async () => {
    write('dvc.yaml', 'stages:\n  root:\n    cmd: echo root\n');
    write('b/dvc.yaml', 'stages:\n  b:\n    cmd: echo b\n');
    write('a/deep/dvc.yaml', 'stages:\n  deep:\n    cmd: echo a\n');
    for (const skip of ['.git', '.dvc', '.paddock', 'node_modules']) write(`${skip}/dvc.yaml`, 'stages:\n  nope:\n    cmd: x\n');
    const pipeline = await loadPipeline({ root: dir });
    expect(pipeline.stages.map((s) => s.name)).toEqual(['root', 'deep', 'b']);
    expect(pipeline.stages[1]!.wdir).toBe(path.join(dir, 'a/deep'));
  });

  it('reads top-level metrics, plots and params declarations', async () => {
    write('dvc.yaml', 'metrics:\n  - eval/metrics.json\nplots:\n  - eval/roc.csv:\n      x: fpr\n      y: tpr\n  - Precision:\n      y: {eval/prc.json: precision}\n  - eval/plain.csv\nparams:\n  - custom.yaml\n');
    const p = await loadPipeline({ root: dir });
    expect(p.stages).toEqual([]);
    expect(p.metrics!.map((m) => m.path)).toEqual([path.join(dir, 'eval/metrics.json')]);
    expect(p.plots!.map((m) => [m.id, m.props])).toEqual([
      ['eval/roc.csv', { x: 'fpr', y: 'tpr' }],
      ['Precision', { y: { 'eval/prc.json': 'precision' } }],
      ['eval/plain.csv', {}],
    ]);
    expect(p.paramsFiles).toEqual([path.join(dir, 'custom.yaml')]);
  });
});

describe('loadPipeline: templating', () => {
  it('interpolates from params.yaml, top-level vars (inline, file, file:keys) and stage vars', async () => {
    write('params.yaml', 'train:\n  lr: 0.01\n  epochs: 5\n  flag: true\nseed: 1.0\n');
    write('extra.yaml', 'data: {dir: data, file: raw.csv}\nunused: 1\n');
    write('more.json', '{"model": "resnet"}');
    write(
      'dvc.yaml',
      `vars:
  - extra.yaml:data
  - more.json
  - {threshold: 0.5}
stages:
  train:
    vars:
      - {local: here}
    cmd: python train.py --lr \${train.lr} --seed \${seed} --model \${model} --t \${threshold} --l \${local} \\\${HOME}
    deps: ['\${data.dir}/\${data.file}']
    frozen: \${train.flag}
    meta: \${train.epochs}
`,
    );
    const [s] = (await loadPipeline({ root: dir })).stages;
    expect(s!.cmd).toBe('python train.py --lr 0.01 --seed 1.0 --model resnet --t 0.5 --l here ${HOME}');
    expect(s!.deps).toEqual(['data/raw.csv']);
    expect(s!.frozen).toBe(true);
    expect(s!.meta).toBe(5);
  });

  it('unpacks a dict into cmd flags', async () => {
    write('params.yaml', 'args:\n  epochs: 3\n  verbose: true\n  quiet: false\n  layers: [64, 32]\n  name: my model\n');
    write('dvc.yaml', 'stages:\n  train:\n    cmd: python train.py ${args}\n');
    const [s] = (await loadPipeline({ root: dir })).stages;
    expect(s!.cmd).toBe("python train.py --epochs 3 --verbose --layers 64 32 --name 'my model'");
  });

  it('reports a missing key with TEMPLATE_INVALID naming file, line, stage and key', async () => {
    write('params.yaml', 'lr: 1\n');
    write('dvc.yaml', 'stages:\n  train:\n    cmd: python train.py\n    deps:\n      - ${data.path}\n');
    const err = await failure();
    expect(err.code).toBe('TEMPLATE_INVALID');
    expect(err.message).toContain(`${path.join(dir, 'dvc.yaml')}:4`);
    expect(err.message).toContain("stage 'train'");
    expect(err.message).toContain("'data.path'");
  });

  it('rejects redefining a var leaf', async () => {
    write('params.yaml', 'lr: 1\n');
    write('dvc.yaml', 'vars:\n  - {lr: 2}\nstages:\n  a:\n    cmd: echo ${lr}\n');
    const err = await failure();
    expect(err.code).toBe('TEMPLATE_INVALID');
    expect(err.message).toMatch(/dvc\.yaml:2: vars: cannot redefine 'lr'/);
  });
});

describe('loadPipeline: foreach and matrix', () => {
  it('names foreach over a list of values by value', async () => {
    write('dvc.yaml', 'stages:\n  build:\n    foreach: [us, uk, 0.5, true]\n    do:\n      cmd: make ${item}\n      outs:\n        - out-${item}\n');
    const stages = (await loadPipeline({ root: dir })).stages;
    expect(stages.map((s) => [s.name, s.cmd])).toEqual([
      ['build@us', 'make us'],
      ['build@uk', 'make uk'],
      ['build@0.5', 'make 0.5'],
      ['build@true', 'make true'],
    ]);
  });

  it('names foreach over a dict by key, with ${key} and ${item.x}', async () => {
    write('params.yaml', 'models:\n  small: {size: 1}\n  large: {size: 8}\n');
    write('dvc.yaml', 'stages:\n  train:\n    foreach: ${models}\n    do:\n      cmd: train ${key} ${item.size}\n');
    const stages = (await loadPipeline({ root: dir })).stages;
    expect(stages.map((s) => [s.name, s.cmd])).toEqual([
      ['train@small', 'train small 1'],
      ['train@large', 'train large 8'],
    ]);
  });

  it('names foreach over a list of dicts by index', async () => {
    write('dvc.yaml', 'stages:\n  fit:\n    foreach:\n      - {lr: 0.1, m: a}\n      - {lr: 0.2, m: b}\n    do:\n      cmd: fit ${item.m} ${item.lr}\n');
    const stages = (await loadPipeline({ root: dir })).stages;
    expect(stages.map((s) => [s.name, s.cmd])).toEqual([
      ['fit@0', 'fit a 0.1'],
      ['fit@1', 'fit b 0.2'],
    ]);
  });

  it('names matrix stages by value fragments in key order, composite values by key+index', async () => {
    write('params.yaml', 'opts: [adam, sgd]\n');
    write('dvc.yaml', 'stages:\n  train:\n    matrix:\n      lr: [0.1, 1.0]\n      opt: ${opts}\n      cfg: [{a: 1}]\n    cmd: train ${item.lr} ${item.opt} ${item.cfg.a} ${key}\n');
    const stages = (await loadPipeline({ root: dir })).stages;
    expect(stages.map((s) => [s.name, s.cmd])).toEqual([
      ['train@0.1-adam-cfg0', 'train 0.1 adam 1 0.1-adam-cfg0'],
      ['train@0.1-sgd-cfg0', 'train 0.1 sgd 1 0.1-sgd-cfg0'],
      ['train@1.0-adam-cfg0', 'train 1.0 adam 1 1.0-adam-cfg0'],
      ['train@1.0-sgd-cfg0', 'train 1.0 sgd 1 1.0-sgd-cfg0'],
    ]);
  });
});

describe('loadPipeline: bad input', () => {
  it('malformed YAML → YAML_INVALID with file:line', async () => {
    write('dvc.yaml', 'stages:\n  a:\n    cmd: [unclosed\n    deps: x\n');
    const err = await failure();
    expect(err.code).toBe('YAML_INVALID');
    expect(err.message).toMatch(new RegExp(`^${path.join(dir, 'dvc.yaml').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+: `));
  });

  it('unknown stage field → STAGE_INVALID with file:line, the field and the nearest valid field', async () => {
    write('dvc.yaml', 'stages:\n  a:\n    cmd: echo\n    depz: [x]\n');
    const err = await failure();
    expect(err.code).toBe('STAGE_INVALID');
    expect(err.message).toContain(`${path.join(dir, 'dvc.yaml')}:4`);
    expect(err.message).toContain("'depz'");
    expect(err.message).toContain("did you mean 'deps'");
  });

  it('unknown output option → STAGE_INVALID with the nearest option', async () => {
    write('dvc.yaml', 'stages:\n  a:\n    cmd: echo\n    outs:\n      - m.pkl:\n          cahce: false\n');
    const err = await failure();
    expect(err.code).toBe('STAGE_INVALID');
    expect(err.message).toContain('dvc.yaml:6');
    expect(err.message).toContain("did you mean 'cache'");
  });

  it('unknown field inside foreach do → STAGE_INVALID naming the line in do', async () => {
    write('dvc.yaml', 'stages:\n  b:\n    foreach: [x]\n    do:\n      cmd: echo\n      outz: [o]\n');
    const err = await failure();
    expect(err.code).toBe('STAGE_INVALID');
    expect(err.message).toContain('dvc.yaml:6');
    expect(err.message).toContain("did you mean 'outs'");
  });

  it('wrong types and missing cmd → STAGE_INVALID naming the field', async () => {
    write('dvc.yaml', 'stages:\n  a:\n    cmd: echo\n    frozen: maybe\n');
    let err = await failure();
    expect(err.code).toBe('STAGE_INVALID');
    expect(err.message).toMatch(/dvc\.yaml:4: stage 'a': 'frozen'/);
    write('dvc.yaml', 'stages:\n  a:\n    deps: [x]\n');
    err = await failure();
    expect(err.message).toMatch(/dvc\.yaml:2: stage 'a': 'cmd' is required/);
  });

  it('invalid stage names → STAGE_INVALID', async () => {
    write('dvc.yaml', 'stages:\n  bad.name:\n    cmd: echo\n');
    const err = await failure();
    expect(err.code).toBe('STAGE_INVALID');
    expect(err.message).toContain("invalid stage name 'bad.name'");
    expect(err.message).toContain('dvc.yaml:2');
  });

  it('unknown top-level key → STAGE_INVALID with the nearest', async () => {
    write('dvc.yaml', 'stage:\n  a:\n    cmd: echo\n');
    const err = await failure();
    expect(err.code).toBe('STAGE_INVALID');
    expect(err.message).toContain("did you mean 'stages'");
    expect(err.message).toContain('dvc.yaml:1');
  });

  it('names the subfolder file in errors', async () => {
    write('sub/dvc.yaml', 'stages:\n  a:\n    cmd: echo\n    wdri: x\n');
    const err = await failure();
    expect(err.message).toContain(path.join(dir, 'sub', 'dvc.yaml'));
  });
});
