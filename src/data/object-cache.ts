import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, constants, copyFileSync, existsSync, mkdirSync, openSync, promises as fs, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { fail, fromSystemError } from '../core/errors.js';
import { md5Hex } from '../core/hashing.js';
import { md5File } from './hash-file.js';
import { MD5_PATTERN, objectKey } from './object-key.js';

/** DVC protects cache objects read-only (CACHE_MODE). */
export const CACHE_MODE = 0o444;

/**
 * The local content-addressed cache in DVC 3's layout: `<cacheDir>/files/md5/ab/cdef…`
 * (manifests keep `.dir`). DVC 2.x objects are read from the legacy layout `<cacheDir>/ab/cdef…`.
 * Inserts are atomic: a temp file in `<cacheDir>/tmp` renamed into place, so a kill -9 leaves
 * either no object or a whole one.
 */
export class ObjectCache {
  private readonly madeDirs = new Set<string>();
  // Temp names: one random prefix per process plus a counter (a random draw per file is costly).
  private readonly tempPrefix = `${process.pid}.${randomBytes(6).toString('hex')}`;
  private tempCounter = 0;

  constructor(readonly root: string) {}

  /** Absolute path of an object (DVC 3 layout). */
  pathOf(md5: string): string {
    return path.join(this.root, objectKey(md5));
  }

  /** Absolute path of a DVC 2.x (md5-dos2unix) object. */
  legacyPathOf(md5: string): string {
    return path.join(this.root, md5.slice(0, 2), md5.slice(2));
  }

  /** Whether the object is present (a file at its path). */
  has(md5: string): boolean {
    return existsSync(this.pathOf(md5));
  }

  /** A fresh temp path inside the cache (same file system as the objects, so rename works). */
  tempPath(): string {
    const dir = path.join(this.root, 'tmp');
    this.ensureDir(dir);
    return path.join(dir, `${this.tempPrefix}.${this.tempCounter++}.tmp`);
  }

  /**
   * Moves a complete temp file (from tempPath()) to the object's place and protects it. When
   * the object already exists the temp is dropped. Returns the object path.
   */
  adopt(tmp: string, md5: string, options: { absent?: boolean; protectedAlready?: boolean } = {}): string {
    const dest = this.pathOf(md5);
    try {
      // `absent`: the caller just checked, so skip a second lookup (it is costly over 100k files).
      if (!options.absent && existsSync(dest)) {
        rmSync(tmp, { force: true });
        return dest;
      }
      this.ensureDir(path.dirname(dest));
      if (!options.protectedAlready) chmodSync(tmp, CACHE_MODE);
      renameSync(tmp, dest);
      return dest;
    } catch (err) {
      rmSync(tmp, { force: true });
      throw fromSystemError(err, dest);
    }
  }

  /** Stores bytes already in memory under `md5` (no re-hash: the caller computed it). */
  insertBytesUnchecked(bytes: Uint8Array, md5: string): string {
    if (this.has(md5)) return this.pathOf(md5);
    const tmp = this.tempPath();
    try {
      const fd = openSync(tmp, 'wx', CACHE_MODE);
      try {
        writeSync(fd, bytes);
      } finally {
        closeSync(fd);
      }
    } catch (err) {
      rmSync(tmp, { force: true });
      throw fromSystemError(err, tmp);
    }
    return this.adopt(tmp, md5);
  }

  /** Stores bytes after checking they hash to `md5` (`.dir`: md5 of the bytes). */
  insertBytes(bytes: Uint8Array, md5: string): string {
    const actual = md5Hex(bytes);
    if (actual !== md5.replace(/\.dir$/, '')) fail('CACHE_CORRUPT', `content does not match object ${md5} (got ${actual})`, { md5, actual });
    return this.insertBytesUnchecked(bytes, md5);
  }

  /**
   * Inserts a file under `md5` after verifying its content (downloads, imports). With `move`
   * the source is renamed into the cache when possible (it must not be needed afterwards).
   */
  async insertFile(src: string, md5: string, options: { move?: boolean; verify?: boolean } = {}): Promise<string> {
    assertMd5(md5);
    if (options.verify ?? true) {
      const actual = await md5File(src);
      if (actual !== md5.replace(/\.dir$/, '')) fail('CACHE_CORRUPT', `${src}: content does not match object ${md5} (got ${actual})`, { path: src, md5, actual });
    }
    if (this.has(md5)) {
      if (options.move) await fs.rm(src, { force: true });
      return this.pathOf(md5);
    }
    const tmp = this.tempPath();
    try {
      if (options.move) await fs.rename(src, tmp).catch(() => fs.copyFile(src, tmp));
      else copyFileSync(src, tmp, constants.COPYFILE_FICLONE);
    } catch (err) {
      rmSync(tmp, { force: true });
      throw fromSystemError(err, src);
    }
    return this.adopt(tmp, md5);
  }

  /** Removes an object (gc, fsck --repair); absent is fine. */
  remove(md5: string): void {
    rmSync(this.pathOf(md5), { force: true });
  }

  /** Every object name in the DVC 3 part of the cache (skips temp and foreign files). */
  list(): string[] {
    const base = path.join(this.root, 'files', 'md5');
    const out: string[] = [];
    for (const prefix of safeReaddir(base)) {
      if (!/^[0-9a-f]{2}$/.test(prefix)) continue;
      for (const rest of safeReaddir(path.join(base, prefix))) {
        const md5 = prefix + rest;
        if (MD5_PATTERN.test(md5)) out.push(md5);
      }
    }
    return out;
  }

  /** Drops temp files left by killed processes (older than `ageMs`). */
  async cleanTemp(ageMs = 3_600_000): Promise<number> {
    const dir = path.join(this.root, 'tmp');
    let removed = 0;
    for (const name of safeReaddir(dir)) {
      const p = path.join(dir, name);
      const st = await fs.stat(p).catch(() => undefined);
      if (st && Date.now() - st.mtimeMs > ageMs) {
        await fs.rm(p, { force: true });
        removed++;
      }
    }
    return removed;
  }

  private ensureDir(dir: string): void {
    if (this.madeDirs.has(dir)) return;
    mkdirSync(dir, { recursive: true });
    this.madeDirs.add(dir);
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function assertMd5(md5: string): void {
  if (!MD5_PATTERN.test(md5)) fail('INVALID_ARGUMENT', `'${md5}' is not an md5 object name`, { md5 });
}
