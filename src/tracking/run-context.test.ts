import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { tempDir } from '../test-support/cli.js';
import { readRunContext, runContextInputs, runContextParams, runContextTags } from './run-context.js';

it('is absent outside a stage', () => {
  expect(readRunContext({})).toBeUndefined();
});

it('reads the stage, deps (inline or @file), params and commit the repro executor sets', () => {
  const tmp = tempDir();
  try {
    const depsFile = path.join(tmp.dir, 'deps.json');
    writeFileSync(depsFile, JSON.stringify({ 'data/raw': { md5: 'd'.repeat(32) + '.dir', size: 10, nfiles: 2 } }));
    const ctx = readRunContext({
      PADDOCK_STAGE: 'train@1',
      PADDOCK_ROOT: tmp.dir,
      PADDOCK_STAGE_DEPS: `@${depsFile}`,
      PADDOCK_STAGE_PARAMS: JSON.stringify({ 'params.yaml': { 'train.lr': 0.1, train2: { a: [1, 2], b: 'x' } }, 'conf.json': { seed: 7 } }),
      PADDOCK_GIT_COMMIT: 'c'.repeat(40),
      PADDOCK_GIT_DIRTY: 'true',
    })!;
    expect(runContextTags(ctx)).toEqual({ 'paddock.stage': 'train@1', 'paddock.git.commit': 'c'.repeat(40), 'paddock.git.dirty': 'true', 'mlflow.source.git.commit': 'c'.repeat(40) });
    expect(runContextParams(ctx)).toEqual([
      { key: 'train.lr', value: '0.1' }, { key: 'train2.a', value: '[1,2]' }, { key: 'train2.b', value: 'x' }, { key: 'conf.json:seed', value: '7' },
    ]);
    expect(runContextInputs(ctx)).toEqual([{ name: 'data/raw', digest: 'd'.repeat(32) + '.dir', sourceType: 'dvc', source: 'data/raw', tags: { 'mlflow.data.context': 'train@1' } }]);
  } finally {
    tmp.cleanup();
  }
});

it('names the variable when its JSON is broken', () => {
  expect(() => readRunContext({ PADDOCK_STAGE: 's', PADDOCK_STAGE_PARAMS: '{oops' })).toThrow(/PADDOCK_STAGE_PARAMS is not valid JSON/);
});
