import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../test-support/cli.js';

// End-to-end: the real compiled CLI in temp repositories (run `npx tsc -p tsconfig.build.json` first).
const GIT_ENV = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };

function gitRun(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: { ...process.env, ...GIT_ENV }, encoding: 'utf8' });
}

/** Every file under dir (but Paddock's own state db and lock) with its content, to prove nothing changed. */
function snapshot(dir: string, rel = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = path.join(rel, e.name);
    if (r === '.git' || r.startsWith('.paddock/state.db') || r === '.paddock/lock') continue;
    if (e.isDirectory()) Object.assign(out, snapshot(dir, r));
    else out[r] = e.isSymbolicLink() ? 'link' : readFileSync(path.join(dir, r), 'latin1');
  }
  return out;
}

async function newRepo(parent: string, name: string): Promise<string> {
  const dir = path.join(parent, name);
  mkdirSync(dir);
  gitRun(dir, 'init', '-q');
  expect((await runCli(dir, ['init'])).code).toBe(0);
  return dir;
}

async function json(cwd: string, args: string[]): Promise<unknown> {
  const r = await runCli(cwd, [...args, '--json']);
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout);
}

describe('data commands end to end', () => {
  const tmp = tempDir();
  let repo: string;
  beforeAll(async () => {
    repo = await newRepo(tmp.dir, 'main');
    mkdirSync(path.join(repo, 'data/subdir'), { recursive: true });
    writeFileSync(path.join(repo, 'data/file'), 'file');
    writeFileSync(path.join(repo, 'data/subdir/subfile'), 'subfile');
    writeFileSync(path.join(repo, 'foo'), 'foo');
  });
  afterAll(tmp.cleanup);

  it('add writes DVC 3 pointers, .gitignore entries and read-only cache objects', async () => {
    const r = await runCli(repo, ['add', 'data', 'foo']);
    expect(r.code, r.stderr).toBe(0);
    // D2 of the research notes: DVC's own hash for {file, subdir/subfile}.
    expect(readFileSync(path.join(repo, 'data.dvc'), 'utf8')).toBe('outs:\n- md5: b6dcab6ccd17ca0a8bf4a215a37d14cc.dir\n  size: 11\n  nfiles: 2\n  hash: md5\n  path: data\n');
    expect(readFileSync(path.join(repo, 'foo.dvc'), 'utf8')).toBe('outs:\n- md5: acbd18db4cc2f85cedef654fccc4a4d8\n  size: 3\n  hash: md5\n  path: foo\n');
    expect(readFileSync(path.join(repo, '.gitignore'), 'utf8').split('\n')).toEqual(expect.arrayContaining(['/data', '/foo']));
    const object = path.join(repo, '.paddock/cache/files/md5/ac/bd18db4cc2f85cedef654fccc4a4d8');
    expect(readFileSync(object, 'utf8')).toBe('foo');
    expect(statSync(object).mode & 0o777).toBe(0o444);
    expect(existsSync(path.join(repo, '.paddock/cache/files/md5/b6/dcab6ccd17ca0a8bf4a215a37d14cc.dir'))).toBe(true);
    expect(await json(repo, ['status'])).toEqual({});
  });

  it('status uses the state db: same inode, size and mtime is not re-read', async () => {
    const f = path.join(repo, 'foo');
    utimesSync(f, 1_600_000_000, 1_600_000_000);
    expect(await json(repo, ['status'])).toEqual({}); // re-hashed once, remembered
    writeFileSync(f, 'bar');
    utimesSync(f, 1_600_000_000, 1_600_000_000);
    expect(await json(repo, ['status'])).toEqual({}); // the state says unchanged: not read
    writeFileSync(f, 'foo');
  });

  it('status reports modified and deleted; checkout refuses to lose changes without --force', async () => {
    writeFileSync(path.join(repo, 'data/file'), 'changed');
    rmSync(path.join(repo, 'foo'));
    expect(await json(repo, ['status'])).toEqual({ 'data.dvc': [{ 'changed outs': { data: 'modified' } }], 'foo.dvc': [{ 'changed outs': { foo: 'deleted' } }] });
    const before = snapshot(repo);
    const refused = await runCli(repo, ['checkout']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(path.join(repo, 'data'));
    expect(snapshot(repo)).toEqual(before);
    const forced = await runCli(repo, ['checkout', '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(readFileSync(path.join(repo, 'data/file'), 'utf8')).toBe('file');
    expect(readFileSync(path.join(repo, 'foo'), 'utf8')).toBe('foo');
    writeFileSync(path.join(repo, 'data/extra'), 'extra');
    expect((await runCli(repo, ['checkout', '-f', 'data'])).code).toBe(0);
    expect(existsSync(path.join(repo, 'data/extra'))).toBe(false);
    expect(await json(repo, ['status'])).toEqual({});
  });

  it('diff between revisions and against the workspace, as dvc diff --json', async () => {
    gitRun(repo, 'add', '-A');
    gitRun(repo, 'commit', '-qm', 'v1');
    writeFileSync(path.join(repo, 'data/file'), 'file v2');
    writeFileSync(path.join(repo, 'data/new'), 'new');
    expect(await json(repo, ['diff'])).toEqual({
      added: [{ path: 'data/new' }],
      deleted: [],
      modified: [{ path: 'data/' }, { path: 'data/file' }],
      renamed: [],
      'not in cache': [],
    });
    expect((await runCli(repo, ['add', 'data'])).code).toBe(0);
    gitRun(repo, 'commit', '-qam', 'v2');
    const d = (await json(repo, ['diff', 'HEAD~1', 'HEAD', '--show-hash'])) as Record<string, unknown>;
    expect(d.modified).toEqual([
      { path: 'data/', hash: { old: 'b6dcab6ccd17ca0a8bf4a215a37d14cc.dir', new: expect.stringMatching(/\.dir$/) } },
      { path: 'data/file', hash: { old: '8c7dd922ad47494fc02c388e12c00eac', new: expect.any(String) } },
    ]);
    expect(d.added).toEqual([{ path: 'data/new', hash: '22af645d1859cb5ca6da0c484f1f37ea' }]);
    expect(d['not in cache']).toBeUndefined();
  });

  it('gc needs a scope, keeps what the scope references, and --dry removes nothing', async () => {
    const noScope = await runCli(repo, ['gc']);
    expect(noScope.code).not.toBe(0);
    expect(noScope.stderr).toMatch(/--workspace/);
    const v1File = path.join(repo, '.paddock/cache/files/md5/8c/7dd922ad47494fc02c388e12c00eac');
    expect((await json(repo, ['gc', '--all-commits'])) as { removed: string[] }).toMatchObject({ removed: [] });
    const dry = (await json(repo, ['gc', '--workspace', '--dry'])) as { removed: string[] };
    expect(dry.removed).toEqual(expect.arrayContaining(['8c7dd922ad47494fc02c388e12c00eac', 'b6dcab6ccd17ca0a8bf4a215a37d14cc.dir']));
    expect(existsSync(v1File)).toBe(true);
    const real = (await json(repo, ['gc', '--workspace'])) as { removed: string[] };
    expect(real.removed).toEqual(dry.removed);
    expect(existsSync(v1File)).toBe(false);
    expect(await json(repo, ['status'])).toEqual({});
  });

  it('fsck finds corrupt and missing objects; --repair removes the corrupt ones', async () => {
    expect(await json(repo, ['fsck'])).toMatchObject({ corrupt: [], missing: [] });
    const foo = path.join(repo, '.paddock/cache/files/md5/ac/bd18db4cc2f85cedef654fccc4a4d8');
    chmodSync(foo, 0o644);
    writeFileSync(foo, 'tampered');
    rmSync(path.join(repo, '.paddock/cache/files/md5/22/af645d1859cb5ca6da0c484f1f37ea'));
    const r = await runCli(repo, ['fsck', '--json']);
    expect(r.code).not.toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ corrupt: ['acbd18db4cc2f85cedef654fccc4a4d8'], missing: ['22af645d1859cb5ca6da0c484f1f37ea'] });
    await runCli(repo, ['fsck', '--repair']);
    expect(existsSync(foo)).toBe(false);
    expect(await json(repo, ['status'])).toMatchObject({ 'foo.dvc': [{ 'changed outs': { foo: 'not in cache' } }] });
  });
});

describe('bad input changes nothing and names the culprit', () => {
  const tmp = tempDir();
  let repo: string;
  beforeAll(async () => {
    repo = await newRepo(tmp.dir, 'bad');
    writeFileSync(path.join(repo, 'a.txt'), 'a');
    writeFileSync(path.join(tmp.dir, 'outside.txt'), 'secret');
  });
  afterAll(tmp.cleanup);

  async function refused(args: string[], code: number, ...mentions: string[]): Promise<void> {
    const before = snapshot(repo);
    const r = await runCli(repo, args);
    expect(r.code, r.stderr).toBe(code);
    for (const m of mentions) expect(r.stderr).toContain(m);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(snapshot(repo)).toEqual(before);
  }

  it('a path outside the repository, by .. or by symlink', async () => {
    await refused(['add', '../outside.txt'], 2, '../outside.txt', 'outside the repository');
    symlinkSync(path.join(tmp.dir, 'outside.txt'), path.join(repo, 'link.txt'));
    await refused(['add', 'link.txt'], 2, 'link.txt', 'symlink');
    rmSync(path.join(repo, 'link.txt'));
  });

  it('a path that is a pipeline stage output', async () => {
    writeFileSync(path.join(repo, 'dvc.yaml'), 'stages:\n  train:\n    cmd: python train.py\n    outs:\n    - model.pkl\n    metrics:\n    - metrics.json:\n        cache: false\n');
    writeFileSync(path.join(repo, 'model.pkl'), 'model');
    writeFileSync(path.join(repo, 'metrics.json'), '{}');
    await refused(['add', 'model.pkl'], 65, 'model.pkl', 'dvc.yaml', 'train');
    await refused(['add', 'a.txt', 'metrics.json'], 65, 'metrics.json');
  });

  it('a pointer file hand-edited into nonsense', async () => {
    writeFileSync(path.join(repo, 'b.txt.dvc'), 'outs:\n- md5: 12345\n  path: b.txt\n');
    await refused(['status'], 65, 'b.txt.dvc', 'outs[0].md5');
    await refused(['checkout'], 65, 'b.txt.dvc');
    await refused(['add', 'a.txt'], 65, 'b.txt.dvc');
    writeFileSync(path.join(repo, 'b.txt.dvc'), 'outs: [\n');
    await refused(['status'], 65, 'b.txt.dvc');
    rmSync(path.join(repo, 'b.txt.dvc'));
  });

  it('overlapping tracked paths', async () => {
    mkdirSync(path.join(repo, 'd'));
    writeFileSync(path.join(repo, 'd/x'), 'x');
    expect((await runCli(repo, ['add', 'd'])).code).toBe(0);
    await refused(['add', 'd/x'], 65, 'd/x', 'd.dvc');
  });
});
