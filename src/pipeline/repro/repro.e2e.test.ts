import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../../test-support/cli.js';

// End-to-end through the real CLI (tests run `npm run build` first) with real commands.
// md5 reference values: md5("foo") = acbd18db4cc2f85cedef654fccc4a4d8, md5("bar") =
// 37b51d194a7513e45b56f6524f2d51f2 (DVC's test vectors), md5("foobar") = 3858f62230ac3c915f300c664312c63f.

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function project(files: Record<string, string>): string {
  const { dir, cleanup } = tempDir('paddock-repro-');
  cleanups.push(cleanup);
  writeFileSync(path.join(dir, 'paddock.yaml'), '');
  mkdirSync(path.join(dir, '.paddock'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const read = (dir: string, f: string) => readFileSync(path.join(dir, f), 'utf8');

beforeAll(() => {
  expect(existsSync(path.resolve('dist/cli/main.js'))).toBe(true);
});

describe('paddock repro', () => {
  it('runs a two-stage pipeline, caches outputs, writes dvc.lock as DVC does, then has nothing to do', async () => {
    const dir = project({
      'data.txt': 'foo',
      'params.yaml': 'train:\n  lr: 0.1\n  epochs: 3\n',
      'dvc.yaml': `stages:
  prepare:
    cmd: cat data.txt > prepared.txt
    deps:
    - data.txt
    outs:
    - prepared.txt
  train:
    cmd: cat prepared.txt > model.txt && printf bar >> model.txt && echo trained
    deps:
    - prepared.txt
    params:
    - train.lr
    outs:
    - model.txt
`,
    });
    const r = await runCli(dir, ['repro']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('[train] trained');
    expect(r.stdout).toMatch(/2 ran, 0 unchanged/);
    expect(read(dir, 'dvc.lock')).toBe(`schema: '2.0'
stages:
  prepare:
    cmd: cat data.txt > prepared.txt
    deps:
    - path: data.txt
      hash: md5
      md5: acbd18db4cc2f85cedef654fccc4a4d8
      size: 3
    outs:
    - path: prepared.txt
      hash: md5
      md5: acbd18db4cc2f85cedef654fccc4a4d8
      size: 3
  train:
    cmd: cat prepared.txt > model.txt && printf bar >> model.txt && echo trained
    deps:
    - path: prepared.txt
      hash: md5
      md5: acbd18db4cc2f85cedef654fccc4a4d8
      size: 3
    params:
      params.yaml:
        train.lr: 0.1
    outs:
    - path: model.txt
      hash: md5
      md5: 3858f62230ac3c915f300c664312c63f
      size: 6
`);
    expect(read(dir, '.gitignore').split('\n')).toEqual(expect.arrayContaining(['/prepared.txt', '/model.txt']));
    expect(read(dir, '.paddock/logs/train.log')).toContain('trained');
    expect(existsSync(path.join(dir, '.paddock/cache/files/md5/38/58f62230ac3c915f300c664312c63f'))).toBe(true);

    const again = await runCli(dir, ['repro', '--json']);
    expect(again.code).toBe(0);
    const summary = JSON.parse(again.stdout);
    expect(summary).toMatchObject({ ran: [], skipped: ['prepare', 'train'], failed: [] });

    // An unrelated param does not invalidate; the tracked one does, and only `train` runs.
    writeFileSync(path.join(dir, 'params.yaml'), 'train:\n  lr: 0.1\n  epochs: 4\n');
    expect(JSON.parse((await runCli(dir, ['repro', '--json'])).stdout).ran).toEqual([]);
    writeFileSync(path.join(dir, 'params.yaml'), 'train:\n  lr: 0.2\n  epochs: 4\n');
    const dry = await runCli(dir, ['repro', '--dry']);
    expect(dry.stdout).toMatch(/train: changed deps: params.yaml:train.lr \(modified\)/);
    expect(read(dir, 'dvc.lock')).toContain('train.lr: 0.1');
    expect(JSON.parse((await runCli(dir, ['repro', '--json'])).stdout).ran).toEqual(['train']);
    expect(read(dir, 'dvc.lock')).toContain('train.lr: 0.2');
  });

  it('runs independent stages in parallel with --jobs 2', async () => {
    const stamp = (name: string) => `node -e "const f=require('fs');f.writeFileSync('${name}.start',String(Date.now()));setTimeout(()=>{f.writeFileSync('${name}.end',String(Date.now()));f.writeFileSync('${name}.out','x')},700)"`;
    const dir = project({
      'dvc.yaml': `stages:\n  a:\n    cmd: ${JSON.stringify(stamp('a'))}\n    outs:\n    - a.out\n  b:\n    cmd: ${JSON.stringify(stamp('b'))}\n    outs:\n    - b.out\n`,
    });
    const r = await runCli(dir, ['repro', '--jobs', '2']);
    expect(r.code).toBe(0);
    const t = (f: string) => Number(read(dir, f));
    // Each started before the other ended: the two runs overlapped in time.
    expect(t('a.start')).toBeLessThan(t('b.end'));
    expect(t('b.start')).toBeLessThan(t('a.end'));
  });

  it('stops dependents of a failing stage, names it, keeps its lock entry, and --keep-going runs other branches', async () => {
    const dir = project({
      'dvc.yaml': `stages:
  a:
    cmd: printf foo > a.out
    outs:
    - a.out
  b:
    cmd: cat a.out > b.out
    deps:
    - a.out
    outs:
    - b.out
  c:
    cmd: printf bar > c.out
    outs:
    - c.out
`,
    });
    expect((await runCli(dir, ['repro'])).code).toBe(0);
    const lockBefore = read(dir, 'dvc.lock');
    writeFileSync(path.join(dir, 'dvc.yaml'), read(dir, 'dvc.yaml').replace('printf foo > a.out', 'echo boom >&2; exit 3').replace('printf bar > c.out', 'printf baz > c.out'));

    const r = await runCli(dir, ['repro']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("stage 'a' failed: its command exited with code 3");
    expect(r.stderr).toContain(path.join(dir, '.paddock/logs/a.log'));
    expect(r.stderr).toMatch(/not run: b, c/);
    expect(read(dir, '.paddock/logs/a.log')).toContain('boom');
    expect(read(dir, 'dvc.lock')).toBe(lockBefore);

    const k = await runCli(dir, ['repro', '--keep-going', '--json']);
    expect(k.code).toBe(1);
    const summary = JSON.parse(k.stdout);
    expect(summary).toMatchObject({ failed: ['a'], ran: ['c'], not_run: ['b'] });
    expect(read(dir, 'dvc.lock')).toContain('c.out');
    expect(read(dir, 'c.out')).toBe('baz');
    const lock = read(dir, 'dvc.lock');
    expect(lock.slice(0, lock.indexOf('  c:'))).toBe(lockBefore.slice(0, lockBefore.indexOf('  c:')));
  });

  it('restores outputs from the run cache instead of running a command seen before', async () => {
    const dir = project({
      'params.yaml': 'lr: 1\n',
      // The counter file is not an output: it proves whether the command ran.
      'dvc.yaml': `stages:
  train:
    cmd: echo run >> counter.txt && echo "lr=\${lr}" > model.txt
    params:
    - lr
    outs:
    - model.txt
`,
    });
    expect((await runCli(dir, ['repro'])).code).toBe(0);
    writeFileSync(path.join(dir, 'params.yaml'), 'lr: 2\n');
    expect((await runCli(dir, ['repro'])).code).toBe(0);
    expect(read(dir, 'model.txt')).toBe('lr=2\n');
    writeFileSync(path.join(dir, 'params.yaml'), 'lr: 1\n');
    const r = await runCli(dir, ['repro']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('train restored from run cache');
    expect(read(dir, 'counter.txt')).toBe('run\nrun\n');
    expect(read(dir, 'model.txt')).toBe('lr=1\n');
    expect(read(dir, 'dvc.lock')).toContain('lr: 1\n');
    expect(existsSync(path.join(dir, '.paddock/cache/runs'))).toBe(true);

    // --no-run-cache runs the command even though the run cache has the entry.
    writeFileSync(path.join(dir, 'params.yaml'), 'lr: 2\n');
    expect((await runCli(dir, ['repro', '--no-run-cache'])).code).toBe(0);
    expect(read(dir, 'counter.txt')).toBe('run\nrun\nrun\n');
  });

  it('fails before running anything on a dependency nobody produces', async () => {
    const dir = project({
      'dvc.yaml': 'stages:\n  first:\n    cmd: touch ran.txt\n    outs:\n    - ran.txt\n  second:\n    cmd: cat missing.csv\n    deps:\n    - missing.csv\n',
    });
    const r = await runCli(dir, ['repro']);
    expect(r.code).toBe(66);
    expect(r.stderr).toContain("stage 'second'");
    expect(r.stderr).toContain("dependency 'missing.csv' does not exist and no stage produces it");
    expect(existsSync(path.join(dir, 'ran.txt'))).toBe(false);
    expect(existsSync(path.join(dir, 'dvc.lock'))).toBe(false);
  });

  it('fails a stage that does not create a declared output, naming it', async () => {
    const dir = project({ 'dvc.yaml': 'stages:\n  s:\n    cmd: "true"\n    outs:\n    - never.txt\n' });
    const r = await runCli(dir, ['repro']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("stage 's' finished but did not create its output 'never.txt'");
    expect(existsSync(path.join(dir, 'dvc.lock'))).toBe(false);
  });

  it('changes nothing with --dry and rejects a hand-broken dvc.lock naming it', async () => {
    const dir = project({ 'dvc.yaml': 'stages:\n  s:\n    cmd: printf foo > o.txt\n    outs:\n    - o.txt\n' });
    const dry = await runCli(dir, ['repro', '--dry']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/Would run:\n {2}s: new stage/);
    expect(existsSync(path.join(dir, 'o.txt'))).toBe(false);
    expect(existsSync(path.join(dir, 'dvc.lock'))).toBe(false);
    writeFileSync(path.join(dir, 'dvc.lock'), "schema: '2.0'\nstages:\n  s:\n    cmd: 42\n    outs: nope\n");
    const bad = await runCli(dir, ['repro']);
    expect(bad.code).toBe(65);
    expect(bad.stderr).toContain(`${path.join(dir, 'dvc.lock')}:4: stage 's'`);
  });
});
