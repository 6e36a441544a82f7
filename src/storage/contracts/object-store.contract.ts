import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isPaddockError } from '../../core/errors.js';
import type { ObjectStore } from '../../core/object-store.js';
import { tempDir } from '../../test-support/cli.js';

/** Builds a store over a fresh, empty namespace (a new directory, a new bucket prefix). */
export type MakeStore = () => Promise<ObjectStore>;

async function listAll(store: ObjectStore, prefix: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for await (const info of store.list(prefix)) {
    expect(out.has(info.key), `key listed twice: ${info.key}`).toBe(false);
    out.set(info.key, info.size);
  }
  return out;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(() => expect.unreachable('expected a rejection'), (err: unknown) => err);
}

/** Runs `fn` over items with `limit` in flight (the suite fills stores with many keys). */
async function parallel<T>(items: readonly T[], limit: number, fn: (t: T) => Promise<void>): Promise<void> {
  let i = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (i < items.length) await fn(items[i++]!);
  }));
}

/**
 * The behaviour every ObjectStore adapter must show, run by each adapter's test file. Expected
 * values are the bytes the test wrote, never something the store computed.
 */
export function objectStoreContract(name: string, makeStore: MakeStore): void {
  describe(`ObjectStore contract: ${name}`, () => {
    let store: ObjectStore;
    let local: { dir: string; cleanup: () => void };

    beforeEach(async () => {
      store = await makeStore();
      local = tempDir('paddock-contract-');
    });
    afterEach(async () => {
      await store.close?.();
      local.cleanup();
    });

    it('round-trips bytes, including every byte value', async () => {
      const all = Uint8Array.from({ length: 512 }, (_, i) => i % 256);
      await store.putBytes('files/md5/ab/binary', all);
      expect(Buffer.from(await store.getBytes('files/md5/ab/binary')).equals(Buffer.from(all))).toBe(true);
      await store.putBytes('empty', new Uint8Array());
      expect((await store.getBytes('empty')).byteLength).toBe(0);
    });

    it('uploads and downloads files, creating missing local folders and replacing old files', async () => {
      const data = randomBytes(3 * 1024 * 1024 + 17);
      const src = path.join(local.dir, 'src.bin');
      writeFileSync(src, data);
      await store.putFile('files/md5/cd/big', src);
      const dest = path.join(local.dir, 'deep', 'er', 'out.bin');
      await store.getFile('files/md5/cd/big', dest);
      expect(readFileSync(dest).equals(data)).toBe(true);
      writeFileSync(dest, 'stale');
      await store.getFile('files/md5/cd/big', dest);
      expect(readFileSync(dest).equals(data)).toBe(true);
      expect(readdirSync(path.dirname(dest))).toEqual(['out.bin']);
    });

    it('reports which keys exist', async () => {
      await store.putBytes('files/md5/aa/one', Buffer.from('1'));
      await store.putBytes('files/md5/bb/two', Buffer.from('2'));
      const found = await store.hasMany(['files/md5/aa/one', 'files/md5/bb/two', 'files/md5/aa/none', 'nothing/here']);
      expect([...found].sort()).toEqual(['files/md5/aa/one', 'files/md5/bb/two']);
      expect((await store.hasMany([])).size).toBe(0);
    });

    it('overwrites an object with new content', async () => {
      await store.putBytes('k', Buffer.from('old'));
      await store.putBytes('k', Buffer.from('new content'));
      expect(Buffer.from(await store.getBytes('k')).toString()).toBe('new content');
    });

    it('fails with REMOTE_OBJECT_MISSING for absent keys and writes nothing locally', async () => {
      expect(isPaddockError(await rejection(store.getBytes('files/md5/00/missing')), 'REMOTE_OBJECT_MISSING')).toBe(true);
      await store.putBytes('present', Buffer.from('x'));
      const dest = path.join(local.dir, 'got');
      const err = await rejection(store.getFile('files/md5/00/missing', dest));
      expect(isPaddockError(err, 'REMOTE_OBJECT_MISSING')).toBe(true);
      expect((err as Error).message).toContain(store.url);
      expect(readdirSync(local.dir)).toEqual([]);
    });

    it('lists keys under a prefix with their sizes', async () => {
      await store.putBytes('files/md5/ab/c1', Buffer.from('12345'));
      await store.putBytes('files/md5/ab/c2', Buffer.from(''));
      await store.putBytes('files/md5/ac/c3', Buffer.from('1'));
      await store.putBytes('runs/xx/y', Buffer.from('22'));
      expect(await listAll(store, 'files/md5/ab/')).toEqual(new Map([['files/md5/ab/c1', 5], ['files/md5/ab/c2', 0]]));
      expect([...(await listAll(store, 'files/md5/a')).keys()].sort()).toEqual(['files/md5/ab/c1', 'files/md5/ab/c2', 'files/md5/ac/c3']);
      expect((await listAll(store, '')).size).toBe(4);
      expect((await listAll(store, 'nothing/')).size).toBe(0);
    });

    it('lists and checks more than 1000 keys (pagination)', async () => {
      const keys = Array.from({ length: 1100 }, (_, i) => `files/md5/${(i % 7).toString(16).padStart(2, '0')}/${i.toString().padStart(30, '0')}`);
      await parallel(keys, 32, (k) => store.putBytes(k, Buffer.from(k.slice(-4))));
      const listed = await listAll(store, 'files/md5/');
      expect(listed.size).toBe(1100);
      expect(listed.get(keys[1099]!)).toBe(4);
      const absent = keys.map((k) => `${k.slice(0, -1)}x`);
      const found = await store.hasMany([...keys.slice(0, 900), ...absent.slice(0, 300)]);
      expect(found.size).toBe(900);
      expect(found.has(keys[899]!)).toBe(true);
    });

    it('deletes keys, ignoring absent ones', async () => {
      await store.putBytes('a/1', Buffer.from('1'));
      await store.putBytes('a/2', Buffer.from('2'));
      await store.deleteMany(['a/1', 'a/never']);
      expect([...(await store.hasMany(['a/1', 'a/2']))]).toEqual(['a/2']);
      await store.deleteMany([]);
    });

    it('leaves no object (and no old-object damage) when an upload fails', async () => {
      const err = await rejection(store.putFile('files/md5/ee/new', path.join(local.dir, 'no-such-file')));
      expect(isPaddockError(err)).toBe(true);
      expect((await store.hasMany(['files/md5/ee/new'])).size).toBe(0);
      await store.putBytes('files/md5/ee/old', Buffer.from('intact'));
      mkdirSync(path.join(local.dir, 'a-directory'));
      expect(isPaddockError(await rejection(store.putFile('files/md5/ee/old', path.join(local.dir, 'a-directory'))))).toBe(true);
      expect(Buffer.from(await store.getBytes('files/md5/ee/old')).toString()).toBe('intact');
      expect([...(await listAll(store, '')).keys()]).toEqual(['files/md5/ee/old']);
    });

    it('stores keys with non-ASCII characters and spaces', async () => {
      const key = 'données/é 漢字/🙂 file.bin';
      await store.putBytes(key, Buffer.from('unicode'));
      expect(Buffer.from(await store.getBytes(key)).toString()).toBe('unicode');
      expect([...(await listAll(store, 'données/')).keys()]).toEqual([key]);
      expect([...(await store.hasMany([key]))]).toEqual([key]);
    });

    it('rejects keys that could escape the store', async () => {
      for (const bad of ['../escape', '/abs', 'a//b', 'a/./b', '']) {
        expect(isPaddockError(await rejection(store.putBytes(bad, Buffer.from('x'))), 'INVALID_ARGUMENT'), bad).toBe(true);
      }
    });

    it('streams an object when the adapter offers getStream', async () => {
      if (!store.getStream) return;
      await store.putBytes('s', Buffer.from('streamed'));
      const chunks: Buffer[] = [];
      for await (const c of await store.getStream('s')) chunks.push(c as Buffer);
      expect(Buffer.concat(chunks).toString()).toBe('streamed');
      expect(isPaddockError(await rejection(store.getStream('nope')), 'REMOTE_OBJECT_MISSING')).toBe(true);
    });

    it('names its location in url', () => {
      expect(store.url.length).toBeGreaterThan(0);
      expect(existsSync(store.url) || store.url.includes('://')).toBe(true);
    });
  });
}
