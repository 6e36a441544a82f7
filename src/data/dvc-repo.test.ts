import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openProject } from '../app.js';
import { tempDir } from '../test-support/cli.js';
import { checkoutTargets } from './checkout.js';
import { dataStatus } from './status.js';

/** Writes an object where DVC would: `<cache>/<prefix>ab/cdef…`, read-only as DVC leaves it. */
function putObject(cache: string, md5: string, content: string, legacy = false): void {
  const file = path.join(cache, legacy ? '' : 'files/md5', md5.slice(0, 2), md5.slice(2));
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
  chmodSync(file, 0o444);
}

describe('an existing DVC repository, made by hand as DVC 3 and DVC 2 leave it', () => {
  const tmp = tempDir();
  afterAll(tmp.cleanup);

  it('checks out a DVC 3 directory and file from .dvc/cache, then reports them clean', async () => {
    const root = path.join(tmp.dir, 'dvc3');
    const cache = path.join(root, '.dvc/cache');
    mkdirSync(cache, { recursive: true });
    writeFileSync(path.join(root, '.dvc/config'), '[core]\n    autostage = true\n');
    // D1 from DVC's tests: {foo: "foo", bar: "bar"} → 5ea4….dir, stored compact as DVC does.
    putObject(cache, 'acbd18db4cc2f85cedef654fccc4a4d8', 'foo');
    putObject(cache, '37b51d194a7513e45b56f6524f2d51f2', 'bar');
    putObject(cache, '5ea40360f5b4ec688df672a4db9c17d1.dir', '[{"md5": "37b51d194a7513e45b56f6524f2d51f2", "relpath": "bar"}, {"md5": "acbd18db4cc2f85cedef654fccc4a4d8", "relpath": "foo"}]');
    putObject(cache, '8c7dd922ad47494fc02c388e12c00eac', 'file');
    writeFileSync(path.join(root, 'data.dvc'), 'outs:\n- md5: 5ea40360f5b4ec688df672a4db9c17d1.dir\n  size: 6\n  nfiles: 2\n  hash: md5\n  path: data\n');
    writeFileSync(path.join(root, 'file.dvc'), 'outs:\n- md5: 8c7dd922ad47494fc02c388e12c00eac\n  size: 4\n  hash: md5\n  path: file\n');
    const project = openProject({ cwd: root, env: {} });
    expect(project.cacheDir).toBe(cache);
    expect(await dataStatus(project)).toEqual({ 'data.dvc': [{ 'changed outs': { data: 'deleted' } }], 'file.dvc': [{ 'changed outs': { file: 'deleted' } }] });
    const result = await checkoutTargets(project, []);
    expect(result.restored).toEqual(['data', 'file']);
    expect(readFileSync(path.join(root, 'data/foo'), 'utf8')).toBe('foo');
    expect(readFileSync(path.join(root, 'data/bar'), 'utf8')).toBe('bar');
    expect(readFileSync(path.join(root, 'file'), 'utf8')).toBe('file');
    expect(await dataStatus(project)).toEqual({});
  });

  it('reads a DVC 2.x pointer (no hash key) with objects in the legacy layout', async () => {
    const root = path.join(tmp.dir, 'dvc2');
    const cache = path.join(root, '.dvc/cache');
    mkdirSync(cache, { recursive: true });
    writeFileSync(path.join(root, '.dvc/config'), '');
    // md5-dos2unix of "foo\r\n" is md5("foo\n") = d3b07384…: the legacy hash of a CRLF text file.
    putObject(cache, 'd3b07384d113edec49eaa6238ad5ff00', 'foo\r\n', true);
    writeFileSync(path.join(root, 'notes.txt.dvc'), 'outs:\n- md5: d3b07384d113edec49eaa6238ad5ff00\n  size: 5\n  path: notes.txt\n');
    const project = openProject({ cwd: root, env: {} });
    expect(await dataStatus(project)).toEqual({ 'notes.txt.dvc': [{ 'changed outs': { 'notes.txt': 'deleted' } }] });
    expect((await checkoutTargets(project, [])).restored).toEqual(['notes.txt']);
    expect(readFileSync(path.join(root, 'notes.txt'), 'utf8')).toBe('foo\r\n');
    expect(await dataStatus(project)).toEqual({});
    writeFileSync(path.join(root, 'notes.txt'), 'bar\n');
    expect(await dataStatus(project)).toEqual({ 'notes.txt.dvc': [{ 'changed outs': { 'notes.txt': 'modified' } }] });
  });
});
