import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isPaddockError } from '../../core/errors.js';
import { buildLockStage } from './lock-entry.js';
import { lockPathFor, parseLockText, readLockFile, renderLockFile } from './lock-file.js';
import { LockStore } from './lock-store.js';

// Written as DVC 3 writes it (example-get-started layout; key order and style per
// dvc/stage/serialize.py and ruamel's round-trip dumper): a folded long cmd, a list cmd,
// a directory entry with nfiles, params with params.yaml first, a quoted '2.0'.
const DVC_LOCK = `schema: '2.0'
stages:
  prepare:
    cmd: python src/prepare.py data/data.xml
    deps:
    - path: data/data.xml
      hash: md5
      md5: 22a1a2931c8370d3aeedd7183606fd7f
      size: 14445097
    - path: src/prepare.py
      hash: md5
      md5: f09ea0c15980b43010257ccb9f0055e2
      size: 1576
    params:
      params.yaml:
        prepare.seed: 20170428
        prepare.split: 0.2
    outs:
    - path: data/prepared
      hash: md5
      md5: 153aad06d376b6595932470e459ef42a.dir
      size: 8437363
      nfiles: 2
  train:
    cmd: python src/train.py data/features model.pkl --n-estimators 50 --min-split
      0.01 --seed 20170428
    deps:
    - path: data/features
      hash: md5
      md5: f35d4cc2c552ac959ae602162b8543f3.dir
      size: 2232588
      nfiles: 2
    params:
      params.yaml:
        train.n_est: 50
        train.version: '2.0'
      config/train.yaml:
        lr: 1.0e-05
    outs:
    - path: model.pkl
      hash: md5
      md5: 0e6e8f4f7f9b0b4d6f2a9d0b1c2d3e4f
      size: 1933420
  evaluate:
    cmd:
    - python src/evaluate.py model.pkl data/features
    - echo done
    outs:
    - path: eval/metrics.json
      hash: md5
      md5: 7a3c4e1b2d5f6a7b8c9d0e1f2a3b4c5d
      size: 64
`;

const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'paddock-lock-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('dvc.lock', () => {
  it('parses a DVC 3 lock: folded cmd joined, list cmd kept, dir entries, params per file', () => {
    const lock = parseLockText('/r/dvc.lock', DVC_LOCK);
    expect([...lock.stages.keys()]).toEqual(['prepare', 'train', 'evaluate']);
    const train = lock.stages.get('train')!;
    expect(train.cmd).toBe('python src/train.py data/features model.pkl --n-estimators 50 --min-split 0.01 --seed 20170428');
    expect(train.deps![0]).toEqual({ path: 'data/features', hash: 'md5', md5: 'f35d4cc2c552ac959ae602162b8543f3.dir', size: 2232588, nfiles: 2 });
    expect(train.params).toEqual({ 'params.yaml': { 'train.n_est': 50, 'train.version': '2.0' }, 'config/train.yaml': { lr: 0.00001 } });
    expect(lock.stages.get('evaluate')!.cmd).toEqual(['python src/evaluate.py model.pkl data/features', 'echo done']);
  });

  it('writes back byte-identical text, also when every stage is re-emitted', () => {
    const lock = parseLockText('/r/dvc.lock', DVC_LOCK);
    expect(renderLockFile(lock, new Map())).toBe(DVC_LOCK);
    // A fresh rendering (no reusable source text) must produce DVC's exact bytes too.
    expect(renderLockFile({ ...lock, source: null }, new Map())).toBe(DVC_LOCK);
  });

  it('replaces a changed stage in place, appends a new one, keeps the others verbatim', () => {
    const lock = parseLockText('/r/dvc.lock', DVC_LOCK);
    const changed = buildLockStage({ cmd: 'python src/prepare.py data/data.xml' }, new Map([['src/prepare.py', { md5: 'f09ea0c15980b43010257ccb9f0055e2', size: 1576 }], ['data/data.xml', { md5: 'a'.repeat(32), size: 5 }]]), { 'params.yaml': { 'prepare.split': 0.2, 'prepare.seed': 20170428 } }, new Map([['data/prepared', { md5: 'b'.repeat(32) + '.dir', size: 9, nfiles: 2 }]]));
    const added = buildLockStage({ cmd: ['a', 'b'] }, new Map(), {}, new Map([['z', { md5: 'c'.repeat(32), size: 1 }], ['out', { md5: 'd'.repeat(32), size: 2 }]]));
    const text = renderLockFile(lock, new Map([['prepare', changed], ['new-stage', added]]));
    const expected = DVC_LOCK.replace('22a1a2931c8370d3aeedd7183606fd7f\n      size: 14445097', `${'a'.repeat(32)}\n      size: 5`)
      .replace('153aad06d376b6595932470e459ef42a.dir\n      size: 8437363', `${'b'.repeat(32)}.dir\n      size: 9`) +
      `  new-stage:\n    cmd:\n    - a\n    - b\n    outs:\n    - path: out\n      hash: md5\n      md5: ${'d'.repeat(32)}\n      size: 2\n    - path: z\n      hash: md5\n      md5: ${'c'.repeat(32)}\n      size: 1\n`;
    expect(text).toBe(expected);
  });

  it('starts a new file with schema 2.0 and keeps comments and unknown top-level keys', async () => {
    const dir = tmp();
    const yaml = path.join(dir, 'dvc.yaml');
    const store = await LockStore.open([yaml]);
    await store.save({ file: yaml, name: 's' }, { cmd: 'echo hi' });
    expect(readFileSync(lockPathFor(yaml), 'utf8')).toBe("schema: '2.0'\nstages:\n  s:\n    cmd: echo hi\n");
    writeFileSync(lockPathFor(yaml), "# kept\nschema: '2.0'\nstages:\n  s:\n    cmd: echo hi  # note\ndatasets:\n- name: x\n");
    const again = await LockStore.open([yaml]);
    await again.save({ file: yaml, name: 't' }, { cmd: 'echo t' });
    expect(readFileSync(lockPathFor(yaml), 'utf8')).toBe("# kept\nschema: '2.0'\nstages:\n  s:\n    cmd: echo hi  # note\n  t:\n    cmd: echo t\ndatasets:\n- name: x\n");
    await again.remove({ file: yaml, name: 't' });
    await again.remove({ file: yaml, name: 's' });
    expect(existsSync(lockPathFor(yaml))).toBe(false);
  });

  it('reads DVC 2 entries without hash: and a missing file as empty', async () => {
    const lock = parseLockText('/r/dvc.lock', "schema: '2.0'\nstages:\n  a:\n    cmd: x\n    outs:\n    - path: o\n      md5: acbd18db4cc2f85cedef654fccc4a4d8\n      size: 3\n");
    expect(lock.stages.get('a')!.outs![0]!.md5).toBe('acbd18db4cc2f85cedef654fccc4a4d8');
    expect((await readLockFile(path.join(tmp(), 'dvc.lock'))).stages.size).toBe(0);
  });

  it.each([
    ['a list at the top', '- a\n- b\n', /dvc\.lock: expected a mapping/],
    ['a cmd that is a mapping', "schema: '2.0'\nstages:\n  a:\n    cmd:\n      x: 1\n", /dvc\.lock:4: stage 'a': 'cmd' must be a string/],
    ['a bad md5', "schema: '2.0'\nstages:\n  a:\n    cmd: x\n    outs:\n    - path: o\n      md5: nothex\n", /dvc\.lock:7: stage 'a': outs\[0\]: 'md5' must be 32 hex/],
    ['an unknown stage key', "schema: '2.0'\nstages:\n  a:\n    cmd: x\n    frozen: true\n", /dvc\.lock:5: stage 'a': unknown key 'frozen'/],
    ['an unknown schema', "schema: '3.0'\nstages: {}\n", /unsupported lock file schema '3.0'/],
  ])('rejects %s naming dvc.lock and the line', (_label, text, message) => {
    try {
      parseLockText('/r/dvc.lock', text);
      expect.unreachable();
    } catch (err) {
      expect(isPaddockError(err, 'POINTER_INVALID')).toBe(true);
      expect((err as Error).message).toMatch(message);
      expect((err as Error).message).toMatch(/git checkout -- dvc.lock/);
    }
  });

  it('reports broken YAML with its line', () => {
    expect(() => parseLockText('/r/dvc.lock', "schema: '2.0'\nstages:\n  a: [\n")).toThrow(/dvc\.lock:\d+/);
  });
});
