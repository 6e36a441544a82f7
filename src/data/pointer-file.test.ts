import { describe, expect, it } from 'vitest';
import { isPaddockError } from '../core/errors.js';
import { formatPointer, parsePointer } from './pointer-file.js';

// The exact text DVC 3 writes for a directory output (workspace_tests.py::test_import_dir).
const DVC3_DIR = `outs:
- md5: b6dcab6ccd17ca0a8bf4a215a37d14cc.dir
  size: 11
  nfiles: 2
  hash: md5
  path: dir
`;

function invalid(text: string): { message: string; field: unknown } {
  try {
    parsePointer(text, '/repo/data.dvc');
  } catch (err) {
    if (isPaddockError(err, 'POINTER_INVALID')) return { message: err.message, field: err.details.field };
    throw err;
  }
  throw new Error('expected POINTER_INVALID');
}

describe('pointer files', () => {
  it('reads and writes DVC 3 text byte for byte', () => {
    const p = parsePointer(DVC3_DIR, '/repo/dir.dvc');
    expect(p.outs[0]).toMatchObject({ md5: 'b6dcab6ccd17ca0a8bf4a215a37d14cc.dir', size: 11, nfiles: 2, hashName: 'md5', path: 'dir' });
    expect(formatPointer(p)).toBe(DVC3_DIR);
  });

  it('keeps optional fields after path, in DVC order', () => {
    const text = 'outs:\n- md5: acbd18db4cc2f85cedef654fccc4a4d8\n  size: 3\n  hash: md5\n  path: foo\n  desc: raw data\n  remote: store\n  push: false\n';
    expect(formatPointer(parsePointer(text, '/repo/foo.dvc'))).toBe(text);
  });

  it('reads DVC 2.x pointers (no hash key) as legacy md5-dos2unix', () => {
    const p = parsePointer('outs:\n- md5: 5ea40360f5b4ec688df672a4db9c17d1.dir\n  size: 6\n  nfiles: 2\n  path: data\n', '/repo/data.dvc');
    expect(p.outs[0]!.hashName).toBe('md5-dos2unix');
  });

  it.each([
    ['outs: [', ''],
    ['- just a list\n', ''],
    ['outz:\n- path: a\n', 'outz'],
    ['outs: []\n', 'outs'],
    ['outs:\n- md5: nothex\n  path: a\n', 'outs[0].md5'],
    ['outs:\n- md5: acbd18db4cc2f85cedef654fccc4a4d8\n  size: -3\n  path: a\n', 'outs[0].size'],
    ['outs:\n- md5: acbd18db4cc2f85cedef654fccc4a4d8\n  path: ../etc/passwd\n', 'outs[0].path'],
    ['outs:\n- md5: acbd18db4cc2f85cedef654fccc4a4d8\n  hash: sha1\n  path: a\n', 'outs[0].hash'],
    ['outs:\n- md5: acbd18db4cc2f85cedef654fccc4a4d8\n  pth: a\n', 'outs[0].pth'],
  ])('rejects nonsense %j naming the file and field', (text, field) => {
    const e = invalid(text);
    expect(e.message).toContain('/repo/data.dvc');
    if (field) expect(e.field).toBe(field);
  });
});
