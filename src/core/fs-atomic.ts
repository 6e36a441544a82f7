import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fromSystemError } from './errors.js';

/** A temp name beside the target, so the final rename stays on one file system. */
export function tempPathFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/**
 * Writes a file atomically: temp file, fsync, rename, fsync of the directory. A reader (or a
 * process started after a kill -9) sees the old content or the new, never a mix.
 */
export async function writeFileAtomic(target: string, data: string | Uint8Array, options: { durable?: boolean } = {}): Promise<void> {
  const durable = options.durable ?? true;
  const tmp = tempPathFor(target);
  try {
    await fs.mkdir(path.dirname(target), { recursive: true });
    const handle = await fs.open(tmp, 'w');
    try {
      await handle.writeFile(data);
      if (durable) await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, target);
    if (durable) await fsyncDir(path.dirname(target));
  } catch (err) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw fromSystemError(err, target);
  }
}

/** fsync a directory so a rename inside it survives a power cut; ignored where unsupported. */
export async function fsyncDir(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch {
    // Some file systems refuse fsync on directories; the rename is still atomic there.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
