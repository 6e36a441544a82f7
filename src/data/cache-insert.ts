import { closeSync, constants, copyFileSync, linkSync, openSync, promises as fs, readFileSync, rmSync, writeSync } from 'node:fs';
import { fromSystemError } from '../core/errors.js';
import { md5Hex } from '../core/hashing.js';
import type { DataContext } from './data-context.js';
import { md5File, md5FileSync, SMALL_FILE } from './hash-file.js';
import { isUnsupported } from './link.js';
import { CACHE_MODE } from './object-cache.js';

/** How a workspace file enters the cache: a reflink or hardlink when allowed, else a copy. */
type InsertMode = 'reflink' | 'hardlink' | 'copy';

/**
 * Copies (or reflinks/hardlinks, per cache.type) workspace files into the cache, hashing the
 * bytes that actually land there, so an object always matches its name even if the workspace
 * file changes meanwhile. Small files are read once: the same buffer is hashed and written.
 */
export class CacheInserter {
  private readonly modes: InsertMode[];

  constructor(private readonly ctx: DataContext) {
    // A symlinked workspace points at a copied object; a copy is the fallback of last resort.
    const modes = ctx.linkTypes.map((t): InsertMode => (t === 'symlink' ? 'copy' : t));
    this.modes = [...new Set(modes)];
  }

  /** Inserts a small or large file synchronously; returns its md5. */
  insertSync(abs: string, size: number, knownMd5?: string): string {
    for (;;) {
      const mode = this.modes[0]!;
      const tmp = this.ctx.cache.tempPath();
      try {
        let md5 = knownMd5;
        if (mode === 'copy' && size <= SMALL_FILE) {
          const buf = readFileSync(abs);
          md5 ??= md5Hex(buf);
          if (this.ctx.cache.has(md5)) return md5;
          writeExclusive(tmp, buf);
          this.ctx.cache.adopt(tmp, md5, { absent: true, protectedAlready: true });
          return md5;
        } else if (mode === 'copy') {
          copyFileSync(abs, tmp);
          md5 ??= md5FileSync(tmp, size);
        } else if (mode === 'reflink') {
          copyFileSync(abs, tmp, constants.COPYFILE_FICLONE_FORCE);
          md5 ??= md5FileSync(tmp, size);
        } else {
          linkSync(abs, tmp);
          md5 ??= md5FileSync(tmp, size);
        }
        this.ctx.cache.adopt(tmp, md5);
        return md5;
      } catch (err) {
        rmSync(tmp, { force: true });
        if (mode !== 'copy' && isUnsupported(err) && this.modes.length > 1) {
          this.modes.shift();
          continue;
        }
        throw fromSystemError(err, abs);
      }
    }
  }

  /**
   * Inserts a large file: a reflink/hardlink made first and hashed after, or a kernel copy
   * running beside the hash.
   */
  async insertLarge(abs: string, knownMd5: string | undefined, onBytes?: (n: number) => void): Promise<string> {
    const mode = this.modes[0]!;
    if (mode !== 'copy') {
      const tmp = this.ctx.cache.tempPath();
      try {
        if (mode === 'reflink') copyFileSync(abs, tmp, constants.COPYFILE_FICLONE_FORCE);
        else linkSync(abs, tmp);
      } catch (err) {
        rmSync(tmp, { force: true });
        if (isUnsupported(err) && this.modes.length > 1) {
          this.modes.shift();
          return this.insertLarge(abs, knownMd5, onBytes);
        }
        throw fromSystemError(err, abs);
      }
      return this.adoptAs(tmp, knownMd5 ?? (await md5File(tmp, onBytes)));
    }
    // The kernel copies (copy_file_range, or a reflink where possible) in a pool thread while
    // this thread hashes: on two cores the add costs about one md5 pass, not two.
    const tmp = this.ctx.cache.tempPath();
    try {
      const [, md5] = await Promise.all([fs.copyFile(abs, tmp, constants.COPYFILE_FICLONE), md5File(abs, onBytes)]);
      return this.adoptAs(tmp, md5);
    } catch (err) {
      await fs.rm(tmp, { force: true });
      throw fromSystemError(err, abs);
    }
  }

  private adoptAs(tmp: string, md5: string): string {
    this.ctx.cache.adopt(tmp, md5);
    return md5;
  }
}

function writeExclusive(file: string, data: Uint8Array): void {
  const fd = openSync(file, 'wx', CACHE_MODE);
  try {
    writeSync(fd, data);
  } finally {
    closeSync(fd);
  }
}
