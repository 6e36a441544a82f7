import { constants, promises as fs, type Dirent } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { fromSystemError, PaddockError } from '../../core/errors.js';
import { tempPathFor, writeFileAtomic } from '../../core/fs-atomic.js';
import type { ObjectInfo, ObjectStore } from '../../core/object-store.js';
import { checkKey, forEachLimited } from './keys.js';

/** Stat calls in flight at once for hasMany (they hold no file descriptor). */
const STAT_CONCURRENCY = 64;
/** Names tempPathFor gives: `.<name>.<pid>.<hex>.tmp`; never listed as objects. */
const TEMP_NAME = /^\..+\.\d+\.[0-9a-f]{8}\.tmp$/;

/**
 * An object store in a local (or network-mounted) directory: a DVC local remote. Every write
 * goes to a temp file in the target's own directory and is renamed into place, so a reader or
 * a process started after a crash sees a whole object or none.
 */
export class FsObjectStore implements ObjectStore {
  readonly url: string;

  constructor(private readonly dir: string) {
    this.url = path.resolve(dir);
  }

  async hasMany(keys: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    await forEachLimited(keys, STAT_CONCURRENCY, async (key) => {
      const target = this.pathOf(key);
      try {
        if ((await fs.stat(target)).isFile()) found.add(key);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== 'ENOENT' && code !== 'ENOTDIR') throw this.error(err, target);
      }
    });
    return found;
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    // Walk only the deepest directory the prefix names; filter the rest by string prefix.
    const slash = prefix.lastIndexOf('/');
    const base = slash < 0 ? '' : prefix.slice(0, slash);
    if (base !== '') checkKey(base, this.url);
    yield* this.walk(base, prefix);
  }

  async putFile(key: string, localPath: string): Promise<void> {
    const target = this.pathOf(key);
    await this.atomically(target, async (tmp) => {
      // FICLONE makes a reflink where the file system can (instant, no extra space).
      await fs.copyFile(localPath, tmp, constants.COPYFILE_FICLONE).catch(async (err: NodeJS.ErrnoException) => {
        // copyFile names only the source in its error; tell a bad source from a bad target.
        throw (await exists(localPath)) ? err : fromSystemError(err, localPath);
      });
    });
  }

  async putBytes(key: string, data: Uint8Array): Promise<void> {
    const target = this.pathOf(key);
    // A remote object is re-creatable from the pusher's cache; skip fsync so pushes of many
    // small files stay fast. The rename still makes each object all-or-nothing.
    await writeFileAtomic(target, data, { durable: false }).catch((err) => {
      throw this.error(err, target);
    });
  }

  async getFile(key: string, localPath: string): Promise<void> {
    const source = this.pathOf(key);
    await fs.mkdir(path.dirname(localPath), { recursive: true });
    const tmp = tempPathFor(localPath);
    try {
      await fs.copyFile(source, tmp, constants.COPYFILE_FICLONE);
      await fs.rename(tmp, localPath);
    } catch (err) {
      await fs.rm(tmp, { force: true }).catch(() => undefined);
      if (!(await exists(source))) throw await this.missingOr(err, key, source);
      throw fromSystemError(err, localPath);
    }
  }

  async getBytes(key: string): Promise<Uint8Array> {
    const source = this.pathOf(key);
    try {
      return await fs.readFile(source);
    } catch (err) {
      throw await this.missingOr(err, key, source);
    }
  }

  async getStream(key: string): Promise<Readable> {
    const source = this.pathOf(key);
    try {
      // Opened first so a missing object fails here, not later on the stream.
      const handle = await fs.open(source, 'r');
      return handle.createReadStream({ autoClose: true });
    } catch (err) {
      throw await this.missingOr(err, key, source);
    }
  }

  async deleteMany(keys: readonly string[]): Promise<void> {
    await forEachLimited(keys, STAT_CONCURRENCY, async (key) => {
      const target = this.pathOf(key);
      await fs.rm(target, { force: true }).catch((err) => {
        throw this.error(err, target);
      });
    });
  }

  private pathOf(key: string): string {
    return path.join(this.url, ...checkKey(key, this.url).split('/'));
  }

  /** Lets `write` fill a temp file beside `target`, then renames it into place. */
  private async atomically(target: string, write: (tmp: string) => Promise<void>): Promise<void> {
    const tmp = tempPathFor(target);
    try {
      await fs.mkdir(path.dirname(target), { recursive: true });
      await write(tmp);
      await fs.rename(tmp, target);
    } catch (err) {
      await fs.rm(tmp, { force: true }).catch(() => undefined);
      throw this.error(err, target);
    }
  }

  private async *walk(relDir: string, prefix: string): AsyncGenerator<ObjectInfo> {
    let entries: Dirent[];
    try {
      entries = await fs.readdir(path.join(this.url, ...relDir.split('/').filter(Boolean)), { withFileTypes: true });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return;
      throw this.error(err, path.join(this.url, relDir));
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const key = relDir === '' ? entry.name : `${relDir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (prefix.startsWith(`${key}/`) || `${key}/`.startsWith(prefix) || key.startsWith(prefix)) yield* this.walk(key, prefix);
      } else if (entry.isFile() && key.startsWith(prefix) && !TEMP_NAME.test(entry.name)) {
        const stat = await fs.stat(path.join(this.url, ...key.split('/'))).catch(() => undefined);
        if (stat) yield { key, size: stat.size };
      }
    }
  }

  private async missingOr(err: unknown, key: string, source: string): Promise<PaddockError> {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') {
      if (!(await exists(this.url))) return new PaddockError('REMOTE_UNREACHABLE', `remote ${this.url} does not exist (reading '${key}')`, { url: this.url, key }, { cause: err });
      return new PaddockError('REMOTE_OBJECT_MISSING', `${this.url}: object '${key}' is missing`, { url: this.url, key }, { cause: err });
    }
    return this.error(err, source);
  }

  private error(err: unknown, where: string): PaddockError {
    if (err instanceof PaddockError) return err;
    const translated = fromSystemError(err, where);
    if (translated.code !== 'INTERNAL') return translated;
    return new PaddockError('REMOTE_ERROR', `${this.url}: ${(err as Error).message}`, { url: this.url }, { cause: err });
  }
}

function exists(p: string): Promise<boolean> {
  return fs.stat(p).then(() => true, () => false);
}
