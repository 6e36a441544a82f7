import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isPaddockError, type PaddockError } from '../../core/errors.js';
import { tempDir } from '../../test-support/cli.js';
import { loadPipeline } from '../definition/load-pipeline.js';
import { buildDag, type TrackedPath } from './build-dag.js';
import { renderDag } from './render-dag.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

function write(rel: string, text: string): void {
  mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  writeFileSync(path.join(dir, rel), text);
}

async function dagOf(yaml: string, trackedPaths?: TrackedPath[]) {
  write('dvc.yaml', yaml);
  return buildDag(await loadPipeline({ root: dir }), { trackedPaths });
}

async function dagError(yaml: string, trackedPaths?: TrackedPath[]): Promise<PaddockError> {
  try {
    await dagOf(yaml, trackedPaths);
  } catch (err) {
    if (isPaddockError(err)) return err;
    throw err;
  }
  throw new Error('expected buildDag to fail');
}

const CHAIN = `stages:
  evaluate:
    cmd: eval
    deps: [model/model.pkl, data/features]
    metrics: [metrics.json]
  prepare:
    cmd: prep
    deps: [data/raw.csv]
    outs: [data/prepared]
  featurize:
    cmd: feat
    deps: [data/prepared/train.csv]
    outs: [data/features]
  train:
    cmd: train
    deps: [data/features]
    outs: [model]
  report:
    cmd: report
    deps: [data]
`;

describe('buildDag', () => {
  it('links deps equal to, inside, or containing outputs, and orders topologically', async () => {
    const dag = await dagOf(CHAIN);
    const names = (xs: readonly { name: string }[]) => xs.map((s) => s.name);
    expect(names(dag.upstream('featurize'))).toEqual(['prepare']); // dep inside an out dir
    expect(names(dag.upstream('evaluate'))).toEqual(['featurize', 'train']); // dep inside out 'model'
    expect(names(dag.upstream('report'))).toEqual(['prepare', 'featurize']); // dep contains outs
    expect(names(dag.downstream('featurize'))).toEqual(['evaluate', 'train', 'report']);
    expect(names(dag.topoOrder())).toEqual(['prepare', 'featurize', 'train', 'evaluate', 'report']);
    expect(names(dag.topoOrder(['train']))).toEqual(['prepare', 'featurize', 'train']);
    expect(names(dag.downstreamOrder(['train']))).toEqual(['train', 'evaluate']);
    expect(dag.producerOf(path.join(dir, 'model/model.pkl'))?.name).toBe('train');
    expect(dag.producerOf(path.join(dir, 'data/raw.csv'))).toBeUndefined();
    expect([...dag.stages.keys()]).toEqual(['evaluate', 'prepare', 'featurize', 'train', 'report']);
  });

  it('selects foreach groups and file:name targets, and rejects unknown ones', async () => {
    write('sub/dvc.yaml', 'stages:\n  other:\n    cmd: x\n');
    const dag = await dagOf('stages:\n  b:\n    foreach: [1, 2]\n    do:\n      cmd: echo ${item}\n');
    expect(dag.topoOrder(['b']).map((s) => s.name)).toEqual(['b@1', 'b@2']);
    expect(dag.topoOrder(['sub/dvc.yaml:other']).map((s) => s.name)).toEqual(['other']);
    expect(() => dag.topoOrder(['othr'])).toThrow(/did you mean 'other'/);
  });

  it('names a cycle a -> b -> a', async () => {
    const err = await dagError('stages:\n  a:\n    cmd: a\n    deps: [y]\n    outs: [x]\n  b:\n    cmd: b\n    deps: [x]\n    outs: [y]\n');
    expect(err.code).toBe('DAG_CYCLE');
    expect(err.message).toMatch(/(a -> b -> a|b -> a -> b)/);
    expect(err.message).toContain(path.join(dir, 'dvc.yaml'));
  });

  it('rejects two stages producing one output', async () => {
    const err = await dagError('stages:\n  a:\n    cmd: a\n    outs: [x]\n  b:\n    cmd: b\n    outs: [x]\n');
    expect(err.code).toBe('OUTPUT_CONFLICT');
    expect(err.message).toContain("'a'");
    expect(err.message).toContain("'b'");
    expect(err.message).toContain(path.join(dir, 'dvc.yaml'));
  });

  it('rejects an output also tracked by a .dvc file', async () => {
    const err = await dagError('stages:\n  a:\n    cmd: a\n    outs: [data/raw.csv]\n', [{ file: 'data/raw.csv.dvc', path: 'raw.csv' }]);
    expect(err.code).toBe('OUTPUT_CONFLICT');
    expect(err.message).toContain('data/raw.csv.dvc');
  });

  it('rejects overlapping outputs, also against tracked paths', async () => {
    let err = await dagError('stages:\n  a:\n    cmd: a\n    outs: [data]\n  b:\n    cmd: b\n    outs: [data/sub/x.csv]\n');
    expect(err.code).toBe('OUTPUT_OVERLAP');
    expect(err.message).toContain("'data/sub/x.csv'");
    err = await dagError('stages:\n  a:\n    cmd: a\n    outs: [data/x.csv]\n', [{ file: path.join(dir, 'data.dvc'), path: 'data' }]);
    expect(err.code).toBe('OUTPUT_OVERLAP');
    // Siblings with a common prefix are not nested.
    await expect(dagOf('stages:\n  a:\n    cmd: a\n    outs: [data]\n  b:\n    cmd: b\n    outs: [data2, data-x]\n')).resolves.toBeDefined();
  });

  it('rejects paths outside the repository: .., absolute, and through a symlink', async () => {
    let err = await dagError('stages:\n  a:\n    cmd: a\n    outs: [../escape.txt]\n');
    expect(err.code).toBe('PATH_OUTSIDE_REPO');
    expect(err.message).toContain("stage 'a'");
    err = await dagError('stages:\n  a:\n    cmd: a\n    deps: [/etc/hostname]\n');
    expect(err.code).toBe('PATH_OUTSIDE_REPO');
    const { dir: outside, cleanup: done } = tempDir();
    try {
      symlinkSync(outside, path.join(dir, 'link'));
      err = await dagError('stages:\n  a:\n    cmd: a\n    outs: [link/new-file]\n');
      expect(err.code).toBe('PATH_OUTSIDE_REPO');
      expect(err.message).toContain('symlink');
    } finally {
      done();
    }
    // URLs are external dependencies, not repository paths.
    await expect(dagOf('stages:\n  a:\n    cmd: a\n    deps: [s3://bucket/x]\n')).resolves.toBeDefined();
  });

  it('rejects a stage name defined in two files', async () => {
    write('sub/dvc.yaml', 'stages:\n  a:\n    cmd: x\n');
    const err = await dagError('stages:\n  a:\n    cmd: y\n');
    expect(err.code).toBe('STAGE_INVALID');
    expect(err.message).toContain(path.join(dir, 'dvc.yaml'));
    expect(err.message).toContain(path.join(dir, 'sub', 'dvc.yaml'));
  });

  it('renders ascii boxes, mermaid, dot and json', async () => {
    const dag = await dagOf(CHAIN);
    const ascii = renderDag(dag, 'ascii');
    for (const name of ['prepare', 'featurize', 'train', 'evaluate', 'report']) expect(ascii).toContain(`| ${name} |`);
    expect(ascii).toContain('*');
    expect(ascii.indexOf('| prepare |')).toBeLessThan(ascii.indexOf('| featurize |'));
    const mermaid = renderDag(dag, 'mermaid');
    expect(mermaid.split('\n')[0]).toBe('flowchart TD');
    expect(mermaid).toContain('\tnode1["prepare"]');
    expect(mermaid).toContain('\tnode1-->node2');
    const dot = renderDag(dag, 'dot');
    expect(dot).toContain('"prepare" -> "featurize";');
    expect(dot.startsWith('strict digraph  {')).toBe(true);
    const json = JSON.parse(renderDag(dag, 'json', { targets: ['train'], root: dir })) as { stages: { name: string; file: string }[]; edges: unknown[] };
    expect(json.stages.map((s) => s.name)).toEqual(['prepare', 'featurize', 'train']);
    expect(json.stages[0]!.file).toBe('dvc.yaml');
    expect(json.edges).toEqual([{ from: 'prepare', to: 'featurize' }, { from: 'featurize', to: 'train' }]);
  });

  it('builds a 1000-stage chain quickly', async () => {
    const yaml = ['stages:', ...Array.from({ length: 1000 }, (_, i) => `  s${i}:\n    cmd: echo\n    deps: [f${i}]\n    outs: [f${i + 1}]`)].join('\n');
    const t0 = performance.now();
    const dag = await dagOf(yaml);
    expect(dag.topoOrder(['s999'])).toHaveLength(1000);
    expect(performance.now() - t0).toBeLessThan(3000);
  });
});
