import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openProject } from '../../app.js';
import { isPaddockError } from '../../core/errors.js';
import type { Project } from '../../core/project.js';
import { tempDir } from '../../test-support/cli.js';
import { fetch } from './fetch.js';
import { pull } from './pull.js';
import { push } from './push.js';
import { remoteStatus } from './remote-status.js';

// Reference objects from DVC's own tests (docs/research/dvc-formats.md §2): file `foo` (F1),
// `bar` (F2) and the directory {foo, bar} (D1) with its manifest bytes exactly as DVC stores them.
const FOO = 'acbd18db4cc2f85cedef654fccc4a4d8';
const BAR = '37b51d194a7513e45b56f6524f2d51f2';
const DIR = '5ea40360f5b4ec688df672a4db9c17d1.dir';
const MANIFEST = `[{"md5": "${BAR}", "relpath": "bar"}, {"md5": "${FOO}", "relpath": "foo"}]`;
const KEY = (md5: string) => `files/md5/${md5.slice(0, 2)}/${md5.slice(2)}`;

let tmp: { dir: string; cleanup: () => void };
let root: string;
let remoteDir: string;

/** A Paddock project whose cache holds foo and data/{foo,bar}, tracked by hand-written pointers. */
function makeProject(): void {
  root = path.join(tmp.dir, 'repo');
  remoteDir = path.join(tmp.dir, 'remote');
  mkdirSync(root);
  writeFileSync(path.join(root, 'paddock.yaml'), `# settings\ncore:\n  remote: store\nremotes:\n  store:\n    url: ${remoteDir}\n`);
  writeCache(path.join(root, '.paddock/cache'), { [FOO]: 'foo', [BAR]: 'bar', [DIR]: MANIFEST });
  writeFileSync(path.join(root, 'foo.dvc'), `outs:\n- md5: ${FOO}\n  size: 3\n  hash: md5\n  path: foo\n`);
  writeFileSync(path.join(root, 'data.dvc'), `outs:\n- md5: ${DIR}\n  size: 6\n  nfiles: 2\n  hash: md5\n  path: data\n`);
}

function writeCache(cacheDir: string, objects: Record<string, string>): void {
  for (const [md5, content] of Object.entries(objects)) {
    const file = path.join(cacheDir, KEY(md5));
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
}

function open(): Project {
  return openProject({ cwd: root, env: {} });
}

function remoteKeys(): string[] {
  if (!existsSync(remoteDir)) return [];
  return (readdirSync(remoteDir, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
    .filter((d) => d.isFile())
    .map((d) => path.relative(remoteDir, path.join(d.parentPath, d.name)).split(path.sep).join('/'))
    .sort();
}

function wipeCache(): void {
  rmSync(path.join(root, '.paddock/cache'), { recursive: true, force: true });
}

beforeEach(() => {
  tmp = tempDir('paddock-transfer-');
  makeProject();
});
afterEach(() => tmp.cleanup());

describe('push', () => {
  it('uploads every referenced object in the DVC remote layout, then nothing on a second push', async () => {
    const [report] = await push(open());
    expect(report).toMatchObject({ remote: 'store', pushed: 3, skipped: 0 });
    expect(remoteKeys()).toEqual([KEY(BAR), KEY(DIR), KEY(FOO)].sort());
    expect(readFileSync(path.join(remoteDir, KEY(DIR)), 'utf8')).toBe(MANIFEST);
    const [again] = await push(open());
    expect(again).toMatchObject({ pushed: 0 });
  });

  it('after a partial remote state uploads only what is missing', async () => {
    mkdirSync(path.join(remoteDir, 'files/md5/ac'), { recursive: true });
    writeFileSync(path.join(remoteDir, KEY(FOO)), 'foo');
    const [report] = await push(open());
    expect(report).toMatchObject({ pushed: 2, skipped: 1 });
    expect(remoteKeys()).toHaveLength(3);
  });

  it('never uploads a .dir manifest whose files could not all be uploaded', async () => {
    rmSync(path.join(root, '.paddock/cache', KEY(BAR)));
    const err = await push(open()).catch((e: unknown) => e);
    expect(isPaddockError(err)).toBe(true);
    expect((err as Error).message).toContain(remoteDir);
    expect((err as Error).message).toContain(KEY(BAR));
    expect(remoteKeys()).toEqual([KEY(FOO)]);
  });

  it('pushes only the given target', async () => {
    const [report] = await push(open(), { targets: ['foo'] });
    expect(report).toMatchObject({ pushed: 1 });
    expect(remoteKeys()).toEqual([KEY(FOO)]);
  });

  it('with --rev also pushes objects only a git revision references', async () => {
    const run = (...args: string[]) => execFileSync('git', args, { cwd: root, env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });
    run('init', '-q');
    run('add', 'foo.dvc');
    run('commit', '-q', '-m', 'foo');
    rmSync(path.join(root, 'foo.dvc'));
    rmSync(path.join(root, 'data.dvc'));
    const [none] = await push(open()).then((r) => [r[0]]);
    expect(none).toBeUndefined();
    const [report] = await push(open(), { revs: ['HEAD'] });
    expect(report).toMatchObject({ pushed: 1 });
    expect(remoteKeys()).toEqual([KEY(FOO)]);
  });

  it('fails with REMOTE_NOT_CONFIGURED for an unknown remote name', async () => {
    const err = await push(open(), { remote: 'nope' }).catch((e: unknown) => e);
    expect(isPaddockError(err, 'REMOTE_NOT_CONFIGURED')).toBe(true);
  });
});

describe('fetch', () => {
  it('downloads into an empty cache, verified and read-only', async () => {
    await push(open());
    wipeCache();
    const [report] = await fetch(open());
    expect(report).toMatchObject({ fetched: 3, cached: 0 });
    const cache = path.join(root, '.paddock/cache');
    expect(readFileSync(path.join(cache, KEY(FOO)), 'utf8')).toBe('foo');
    expect(readFileSync(path.join(cache, KEY(BAR)), 'utf8')).toBe('bar');
    expect(readFileSync(path.join(cache, KEY(DIR)), 'utf8')).toBe(MANIFEST);
    expect(statSync(path.join(cache, KEY(FOO))).mode & 0o777).toBe(0o444);
    const [again] = await fetch(open());
    expect(again).toMatchObject({ fetched: 0, cached: 3 });
  });

  it('rejects a corrupt remote object, keeps it out of the cache and still fetches the rest', async () => {
    await push(open());
    wipeCache();
    rmSync(path.join(remoteDir, KEY(BAR)));
    writeFileSync(path.join(remoteDir, KEY(BAR)), 'not bar');
    const err = await fetch(open()).catch((e: unknown) => e);
    expect(isPaddockError(err, 'REMOTE_ERROR')).toBe(true);
    expect((err as Error).message).toMatch(/corrupt/);
    expect((err as Error).message).toContain(KEY(BAR));
    const cache = path.join(root, '.paddock/cache');
    expect(existsSync(path.join(cache, KEY(BAR)))).toBe(false);
    expect(readFileSync(path.join(cache, KEY(FOO)), 'utf8')).toBe('foo');
    expect(readdirSync(path.join(cache, 'tmp'))).toEqual([]);
  });

  it('reports a remote directory that does not exist as unreachable, naming it, and caches nothing', async () => {
    wipeCache();
    const err = await fetch(open()).catch((e: unknown) => e);
    expect(isPaddockError(err, 'REMOTE_UNREACHABLE')).toBe(true);
    expect((err as Error).message).toContain(remoteDir);
    expect(existsSync(path.join(root, '.paddock/cache/files'))).toBe(false);
  });

  it('reports objects missing on an existing remote with REMOTE_OBJECT_MISSING and the count', async () => {
    await push(open());
    wipeCache();
    rmSync(path.join(remoteDir, KEY(FOO)));
    const err = await fetch(open()).catch((e: unknown) => e);
    expect(isPaddockError(err, 'REMOTE_OBJECT_MISSING')).toBe(true);
    expect((err as Error).message).toMatch(/^1 object\(s\) failed to fetch from /);
    expect(existsSync(path.join(root, '.paddock/cache', KEY(BAR)))).toBe(true);
  });
});

describe('pull', () => {
  it('fetches into an empty cache and restores the workspace', async () => {
    await push(open());
    wipeCache();
    const report = await pull(open());
    expect([...report.restored].sort()).toEqual(['data', 'foo']);
    expect(readFileSync(path.join(root, 'foo'), 'utf8')).toBe('foo');
    expect(readFileSync(path.join(root, 'data/foo'), 'utf8')).toBe('foo');
    expect(readFileSync(path.join(root, 'data/bar'), 'utf8')).toBe('bar');
    const again = await pull(open());
    expect([...again.unchanged].sort()).toEqual(['data', 'foo']);
  });

  it('restores the complete outputs and reports the one whose object is missing', async () => {
    await push(open());
    wipeCache();
    rmSync(path.join(remoteDir, KEY(BAR)));
    const err = await pull(open()).catch((e: unknown) => e);
    expect(isPaddockError(err, 'REMOTE_OBJECT_MISSING')).toBe(true);
    expect(readFileSync(path.join(root, 'foo'), 'utf8')).toBe('foo');
    expect(existsSync(path.join(root, 'data'))).toBe(false);
  });
});

describe('remote status', () => {
  it('tells new, deleted (missing locally), missing and in-sync objects apart', async () => {
    await push(open());
    rmSync(path.join(root, '.paddock/cache', KEY(BAR)));
    rmSync(path.join(remoteDir, KEY(FOO)));
    const [status] = await remoteStatus(open());
    expect(status!.counts).toEqual({ new: 1, deleted: 1, missing: 0, inSync: 1 });
    expect(status!.objects).toEqual([
      { md5: BAR, path: 'data/bar', state: 'deleted' },
      { md5: FOO, path: 'foo', state: 'new' },
    ]);
  });
});

describe('DVC repositories and remotes', () => {
  it('pulls from a DVC-layout remote made by hand, configured in .dvc/config, into .dvc/cache', async () => {
    const dvcRoot = path.join(tmp.dir, 'dvc-repo');
    const dvcRemote = path.join(tmp.dir, 'dvc-remote');
    writeCache(dvcRemote, { [FOO]: 'foo', [BAR]: 'bar', [DIR]: MANIFEST });
    mkdirSync(path.join(dvcRoot, '.dvc'), { recursive: true });
    writeFileSync(path.join(dvcRoot, '.dvc/config'), `[core]\n    remote = myremote\n['remote "myremote"']\n    url = ${dvcRemote}\n`);
    writeFileSync(path.join(dvcRoot, 'data.dvc'), `outs:\n- md5: ${DIR}\n  size: 6\n  nfiles: 2\n  hash: md5\n  path: data\n`);
    const report = await pull(openProject({ cwd: dvcRoot, env: {} }));
    expect(report.fetched).toEqual([{ remote: 'myremote', url: dvcRemote, fetched: 3, cached: 0 }]);
    expect(report.restored).toEqual(['data']);
    expect(readFileSync(path.join(dvcRoot, '.dvc/cache', KEY(DIR)), 'utf8')).toBe(MANIFEST);
    expect(readFileSync(path.join(dvcRoot, 'data/foo'), 'utf8')).toBe('foo');
    expect(readFileSync(path.join(dvcRoot, 'data/bar'), 'utf8')).toBe('bar');
  });
});
