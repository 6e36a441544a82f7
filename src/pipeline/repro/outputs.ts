import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fail, fromSystemError } from '../../core/errors.js';
import type { Project } from '../../core/project.js';
import { checkoutPath, commitPath, ensureGitignore, hashPath } from '../../data/index.js';
import type { HashLike } from '../lock/lock-entry.js';
import type { LockEntry, Stage } from '../model.js';

/** Absolute path of a stage output or dependency written relative to its wdir. */
export function absOf(stage: Pick<Stage, 'wdir'>, p: string): string {
  return path.resolve(stage.wdir, p);
}

/**
 * Clears a stage's outputs before its command runs, as DVC does: non-persist outputs are
 * deleted; persist outputs are kept but made private copies, so that a command appending to
 * a file linked from the cache cannot corrupt the cached object.
 */
export async function prepareOutputs(stage: Stage): Promise<void> {
  for (const out of stage.outs) {
    const abs = absOf(stage, out.path);
    try {
      if (out.persist) await unprotect(abs);
      else await fs.rm(abs, { recursive: true, force: true });
    } catch (err) {
      throw fromSystemError(err, abs);
    }
  }
}

async function unprotect(abs: string): Promise<void> {
  const st = await fs.lstat(abs).catch(() => undefined);
  if (!st) return;
  if (st.isDirectory()) {
    for (const name of await fs.readdir(abs)) await unprotect(path.join(abs, name));
    return;
  }
  if (!st.isSymbolicLink() && st.nlink <= 1 && (st.mode & 0o200) !== 0) return;
  // A symlink, a hard link or a read-only file may be the cache object itself: replace it
  // with a private writable copy.
  const tmp = `${abs}.paddock-unprotect`;
  await fs.copyFile(abs, tmp);
  await fs.chmod(tmp, (st.isSymbolicLink() ? 0o644 : st.mode | 0o200) & 0o777);
  await fs.rm(abs, { force: true });
  await fs.rename(tmp, abs);
}

/** STAGE_FAILED naming the first declared output the command did not create. */
export async function verifyOutputs(stage: Stage, logFile?: string): Promise<void> {
  for (const out of stage.outs) {
    const abs = absOf(stage, out.path);
    const present = await fs.stat(abs).then(() => true, () => false);
    if (!present) {
      fail('STAGE_FAILED', `stage '${stage.name}' finished but did not create its output '${out.path}' (${abs})${logFile ? `; log: ${logFile}` : ''}`, { stage: stage.name, path: out.path, ...(logFile ? { log: logFile } : {}) });
    }
  }
}

/** Serialises .gitignore edits: stages finishing together may share a folder's .gitignore. */
let gitignoreQueue: Promise<unknown> = Promise.resolve();

function ignoreOutput(abs: string): Promise<unknown> {
  const next = gitignoreQueue.then(() => ensureGitignore(path.dirname(abs), `/${path.basename(abs)}`));
  gitignoreQueue = next.catch(() => undefined);
  return next;
}

/**
 * Saves a stage's outputs: cached outputs go into the cache (and the workspace is linked to
 * it) with a `/name` entry in the .gitignore beside them, as DVC does; `cache: false` outputs
 * are only hashed (they are meant to be committed to git).
 */
export async function commitOutputs(project: Project, stage: Stage): Promise<Map<string, HashLike>> {
  const hashes = new Map<string, HashLike>();
  for (const out of stage.outs) {
    const abs = absOf(stage, out.path);
    if (out.cache) {
      hashes.set(out.path, await commitPath(project, abs));
      await ignoreOutput(abs);
    } else hashes.set(out.path, await hashPath(project, abs));
  }
  return hashes;
}

/** Restores outputs from the cache as a lock or run-cache entry recorded them. */
export async function checkoutOutputs(project: Project, stage: Stage, entries: readonly LockEntry[]): Promise<Map<string, HashLike>> {
  const hashes = new Map<string, HashLike>();
  for (const out of stage.outs) {
    const entry = entries.find((e) => e.path === out.path)!;
    const abs = absOf(stage, out.path);
    const hash: HashLike = { md5: entry.md5, size: entry.size, ...(entry.nfiles !== undefined ? { nfiles: entry.nfiles } : {}) };
    await checkoutPath(project, hash, abs, { force: true });
    if (out.cache) await ignoreOutput(abs);
    hashes.set(out.path, hash);
  }
  return hashes;
}
