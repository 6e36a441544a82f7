import { chmodSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isPaddockError } from '../../core/errors.js';
import { tempDir } from '../../test-support/cli.js';
import { objectStoreContract } from '../contracts/object-store.contract.js';
import { FsObjectStore } from './fs-object-store.js';

const root = tempDir('paddock-fs-store-');
afterAll(() => root.cleanup());
let n = 0;

objectStoreContract('FsObjectStore', async () => {
  const dir = path.join(root.dir, `store-${n++}`);
  mkdirSync(dir);
  return new FsObjectStore(dir);
});

describe('FsObjectStore specifics', () => {
  it('lays objects out as plain files (the DVC local remote layout) and leaves no temp files', async () => {
    const dir = path.join(root.dir, 'layout');
    const store = new FsObjectStore(dir);
    const src = path.join(root.dir, 'foo.txt');
    writeFileSync(src, 'foo');
    await store.putFile('files/md5/ac/bd18db4cc2f85cedef654fccc4a4d8', src);
    expect(readdirSync(path.join(dir, 'files/md5/ac'))).toEqual(['bd18db4cc2f85cedef654fccc4a4d8']);
  });

  it('ignores stray temp files of an interrupted upload when listing', async () => {
    const dir = path.join(root.dir, 'stray');
    mkdirSync(path.join(dir, 'files/md5/ab'), { recursive: true });
    writeFileSync(path.join(dir, 'files/md5/ab/.cdef.1234.0badf00d.tmp'), 'partial');
    const store = new FsObjectStore(dir);
    const keys: string[] = [];
    for await (const o of store.list('')) keys.push(o.key);
    expect(keys).toEqual([]);
  });

  it('reports a missing remote directory as unreachable, naming it', async () => {
    const store = new FsObjectStore(path.join(root.dir, 'no-such-remote'));
    const err = await store.getBytes('files/md5/00/x').catch((e: unknown) => e);
    expect(isPaddockError(err, 'REMOTE_UNREACHABLE')).toBe(true);
    expect((err as Error).message).toContain('no-such-remote');
  });

  it.skipIf(process.getuid?.() === 0)('reports an unwritable remote as an I/O error naming the path', async () => {
    const dir = path.join(root.dir, 'readonly');
    mkdirSync(dir);
    chmodSync(dir, 0o555);
    const err = await new FsObjectStore(dir).putBytes('k', Buffer.from('x')).catch((e: unknown) => e);
    chmodSync(dir, 0o755);
    expect(isPaddockError(err, 'IO_ERROR')).toBe(true);
    expect((err as Error).message).toContain(dir);
  });
});
