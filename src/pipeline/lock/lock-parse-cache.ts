import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../../core/fs-atomic.js';
import { md5Hex } from '../../core/hashing.js';
import type { LockStage } from '../model.js';
import { readLockFile, type LockFile } from './lock-file.js';

/**
 * dvc.lock parsed once per version: the validated stages are kept as JSON under
 * `.paddock/parsed/`, keyed by the lock's (inode, mtime, size), because parsing YAML is the
 * largest cost of a no-op `repro` on a big pipeline (JSON.parse is ~50× faster). The text
 * itself is only parsed again when the lock is about to be rewritten.
 */
export async function readLockFileCached(file: string, stateDir: string): Promise<LockFile> {
  const st = await fs.stat(file).catch(() => undefined);
  if (!st) return readLockFile(file);
  const sig = `${st.ino}:${st.mtimeMs}:${st.size}`;
  const cacheFile = cachePath(file, stateDir);
  try {
    const cached = JSON.parse(await fs.readFile(cacheFile, 'utf8')) as { sig: string; file: string; stages: [string, LockStage][] };
    if (cached.sig === sig && cached.file === file) return { file, stages: new Map(cached.stages), source: 'lazy' };
  } catch {
    // No usable cache entry: parse the YAML below.
  }
  const lock = await readLockFile(file);
  await writeFileAtomic(cacheFile, JSON.stringify({ sig, file, stages: [...lock.stages] }), { durable: false }).catch(() => undefined);
  return lock;
}

function cachePath(file: string, stateDir: string): string {
  return path.join(stateDir, 'parsed', `${md5Hex(file)}.lock.json`);
}

/** Records a lock Paddock just wrote, so the next command does not parse it again. */
export async function rememberParsedLock(lock: LockFile, stateDir: string): Promise<void> {
  const st = await fs.stat(lock.file).catch(() => undefined);
  if (!st) return;
  const sig = `${st.ino}:${st.mtimeMs}:${st.size}`;
  await writeFileAtomic(cachePath(lock.file, stateDir), JSON.stringify({ sig, file: lock.file, stages: [...lock.stages] }), { durable: false }).catch(() => undefined);
}
