import { createHash } from 'node:crypto';
import { closeSync, openSync, promises as fs, readFileSync, readSync } from 'node:fs';
import { fromSystemError } from '../core/errors.js';

/** Files up to this size are read in one call; larger ones are streamed in CHUNK pieces. */
export const SMALL_FILE = 1024 * 1024;
/** Read size for large files: large enough that syscalls and promise hops are noise. */
export const CHUNK = 4 * 1024 * 1024;

let syncBuffer: Buffer | undefined;

/** MD5 of a file with synchronous reads (cheap per file: used in tight loops over small files). */
export function md5FileSync(absPath: string, size: number): string {
  try {
    if (size <= SMALL_FILE) return createHash('md5').update(readFileSync(absPath)).digest('hex');
    const hash = createHash('md5');
    const buf = (syncBuffer ??= Buffer.allocUnsafe(CHUNK));
    const fd = openSync(absPath, 'r');
    try {
      for (;;) {
        const n = readSync(fd, buf, 0, buf.length, null);
        if (n === 0) break;
        hash.update(buf.subarray(0, n));
      }
    } finally {
      closeSync(fd);
    }
    return hash.digest('hex');
  } catch (err) {
    throw fromSystemError(err, absPath);
  }
}

/**
 * MD5 of a file, streaming large files with two reused buffers so the next read runs in the
 * thread pool while the current chunk is hashed. `onBytes` reports progress.
 */
export async function md5File(absPath: string, onBytes?: (n: number) => void): Promise<string> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(absPath, 'r');
    const hash = createHash('md5');
    await pumpFile(handle, (chunk) => {
      hash.update(chunk);
    }, onBytes);
    return hash.digest('hex');
  } catch (err) {
    throw fromSystemError(err, absPath);
  } finally {
    await handle?.close();
  }
}

/**
 * Reads a whole file in CHUNK pieces with double buffering, handing each chunk to `sink`
 * (which may return a promise, e.g. a write of the same chunk to a copy).
 */
export async function pumpFile(handle: fs.FileHandle, sink: (chunk: Buffer) => void | Promise<void>, onBytes?: (n: number) => void): Promise<void> {
  const bufs = [Buffer.allocUnsafe(CHUNK), Buffer.allocUnsafe(CHUNK)];
  let which = 0;
  let pending = handle.read(bufs[0]!, 0, CHUNK, null);
  for (;;) {
    const { bytesRead } = await pending;
    if (bytesRead === 0) return;
    const cur = bufs[which]!;
    which ^= 1;
    pending = handle.read(bufs[which]!, 0, CHUNK, null);
    await sink(cur.subarray(0, bytesRead));
    onBytes?.(bytesRead);
  }
}

/**
 * DVC 2.x `md5-dos2unix`: per 1 MiB chunk, CRLF becomes LF before hashing when the chunk's
 * first 512 bytes look like text. Only used to verify legacy (no `hash:` key) pointers.
 */
export function md5Dos2UnixSync(absPath: string): string {
  const hash = createHash('md5');
  const data = readFileSafe(absPath);
  const LEGACY_CHUNK = 1024 * 1024;
  for (let off = 0; off < data.length || off === 0; off += LEGACY_CHUNK) {
    const chunk = data.subarray(off, off + LEGACY_CHUNK);
    hash.update(isTextBlock(chunk.subarray(0, 512)) ? Buffer.from(chunk.toString('latin1').replace(/\r\n/g, '\n'), 'latin1') : chunk);
    if (data.length === 0) break;
  }
  return hash.digest('hex');
}

function readFileSafe(absPath: string): Buffer {
  try {
    return readFileSync(absPath);
  } catch (err) {
    throw fromSystemError(err, absPath);
  }
}

/** DVC's `istextblock`: empty is text, a NUL means binary, else ≤30% bytes outside printable+\n\r\t\f\b. */
export function isTextBlock(block: Uint8Array): boolean {
  if (block.length === 0) return true;
  let odd = 0;
  for (const b of block) {
    if (b === 0) return false;
    if (!((b >= 32 && b < 127) || b === 10 || b === 13 || b === 9 || b === 12 || b === 8)) odd++;
  }
  return odd / block.length <= 0.3;
}
