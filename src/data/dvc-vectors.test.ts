import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openProject } from '../app.js';
import { tempDir } from '../test-support/cli.js';
import { hashPath } from './hash-path.js';
import { initProject } from './init-project.js';

// Test vectors from docs/research/dvc-formats.md §2: every hash marked [DVC] appears in DVC's
// own tests; X1–X3 are derived with Python's json.dumps and check sort order and escaping.
const VECTORS: readonly [string, Record<string, string>, string, number, number][] = [
  ['D1', { foo: 'foo', bar: 'bar' }, '5ea40360f5b4ec688df672a4db9c17d1.dir', 6, 2],
  ['D2', { file: 'file', 'subdir/subfile': 'subfile' }, 'b6dcab6ccd17ca0a8bf4a215a37d14cc.dir', 11, 2],
  ['D3', { foo: 'foo', bar: 'bar', foobar: 'foobar' }, 'a5beca056acbef9e0013347efdc2b751.dir', 12, 3],
  ['D4', { foo: 'foo', bar: 'bar', foobar: 'foobar', 'subdir/file': 'file' }, 'de78e9fff7c3478c6b316bf08437d0f6.dir', 16, 4],
  ['D5', { foo: 'foo', bar: 'bar', 'subdir/lorem': 'lorem', 'subdir/ipsum': 'ipsum' }, '15b0e3c73ad2c748ce206988cb6b7319.dir', 16, 4],
  ['D6', { bar: 'bar', 'subdir/lorem': 'lorem', 'subdir/ipsum': 'ipsum' }, '991ea7d558d320d8817a0798e9c676f1.dir', 13, 3],
  ['D7', { bar: 'bar' }, '91aaa9bb58b657d623ef143b195a67e4.dir', 3, 1],
  ['D8', { foo: 'foo', 'subdir/lorem': 'lorem' }, '22a16c9bf84b3068bc2206d88a6b5776.dir', 8, 2],
  ['D9', { foo: 'foo', 'subdir/ipsum': 'lorem ipsum', 'subdir/file': 'file' }, '32f5734ea1a2aa1a067c0c15f0ae5781.dir', 18, 3],
  ['D10', { foo: 'foobar', 'subdir/lorem': 'lorem' }, '49408ac059c76086a3a892129a324b60.dir', 11, 2],
  ['D11', { foo: 'foo', 'subdir/lorem': 'lorem', 'subdir/ipsum': 'ipsum' }, '06d953a10e0b0ffacba04876a9351e39.dir', 13, 3],
  ['D12', { foo: 'foo', bar: 'bar', 'sub_dir/baz': 'sub_dir/baz' }, '55d05978954d1b2cd7b06aedda9b9e43.dir', 17, 3],
  ['D13', { 1: '1', 2: '2' }, '5fb6b29836c388e093ca0715c872fe2a.dir', 2, 2],
  ['D14', { 1: '1', 2: 'two', 3: '3' }, '9b5faf37366b3370fd98e3e60ca439c1.dir', 5, 3],
  ['D15', { 1: '1', 3: '3' }, '83ae82fb367ac9926455870773ff09e6.dir', 2, 2],
  ['D16', { file: 'text' }, '0dab3fae569586d4c33272e5011605bf.dir', 4, 1],
  ['D17', { file: 'text1', 'subdir/file2': 'text2' }, 'cb58ee07cb01044db229e4d6121a0dfc.dir', 10, 2],
  ['D18', { 'subdir/file2': 'text2', 'subdir/file3': 'text1' }, 'a4ac9c339aacc60b6a3152e362c319c8.dir', 10, 2],
  ['D19', { bar: 'foo', 'subdir/bar': 'foo' }, '31b36b3ea5f4485e27f10578c47183b0.dir', 6, 2],
  ['D20', { file: 'modified file content' }, 'f0f7a307d223921557c929f944bf5303.dir', 21, 1],
  ['D21', { dir_file1: 'dir file content' }, '92daf39af116ca2fb245acaeb2ae65f7.dir', 16, 1],
  ['D22', { dir_file1: 'dir file content', dir_file2: 'dir file 2 content' }, '38175ad60f0e58ac94e0e2b7688afd81.dir', 34, 2],
  ['X1', {}, 'd751713988987e9331980363e24189ce.dir', 0, 0],
  ['X2', { 'a-b': 'x', 'a/b': 'y' }, '0002c9bc384fd9f1c79d8110038472a6.dir', 2, 2],
  ['X3', { 'é': 'x' }, '34180cfd6717e16147ef8a595667b58d.dir', 1, 1],
];

const FILES: readonly [string, string][] = [
  ['foo', 'acbd18db4cc2f85cedef654fccc4a4d8'],
  ['bar', '37b51d194a7513e45b56f6524f2d51f2'],
  ['file', '8c7dd922ad47494fc02c388e12c00eac'],
  ['text', '1cb251ec0d568de6a929b520c4aed8d1'],
];

describe('DVC compatibility: hashes of the published test vectors', () => {
  const tmp = tempDir();
  afterAll(tmp.cleanup);

  it.each(VECTORS)('%s', async (name, tree, md5, size, nfiles) => {
    const root = path.join(tmp.dir, name);
    await initProject(root);
    const dir = path.join(root, 'data');
    mkdirSync(dir, { recursive: true });
    for (const [rel, content] of Object.entries(tree)) {
      mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      writeFileSync(path.join(dir, rel), content);
    }
    const project = openProject({ cwd: root, env: {} });
    expect(await hashPath(project, dir)).toEqual({ md5, size, nfiles });
  });

  it.each(FILES)('file %s', async (content, md5) => {
    const root = path.join(tmp.dir, `file-${content}`);
    await initProject(root);
    writeFileSync(path.join(root, content), content);
    expect(await hashPath(openProject({ cwd: root, env: {} }), path.join(root, content))).toEqual({ md5, size: content.length });
  });
});
