import { promises as fs } from 'node:fs';
import { isPaddockError, PaddockError, type ErrorCode } from '../../core/errors.js';
import type { ObjectStore } from '../../core/object-store.js';
import type { Progress } from '../../core/progress.js';
import type { ObjectCache } from '../object-cache.js';
import { objectKey } from '../object-key.js';

/** One object that could not be transferred, with the reason. */
export interface TransferFailure {
  readonly md5: string;
  readonly error: PaddockError;
}

/** What a batch of transfers did. */
export interface TransferOutcome {
  readonly done: readonly string[];
  readonly failed: readonly TransferFailure[];
}

/**
 * Failures that doom every other transfer too (the endpoint is down, the disk is full): the
 * pool stops taking new work and rethrows, instead of collecting 100,000 identical errors.
 */
const FATAL: ReadonlySet<ErrorCode> = new Set(['REMOTE_UNREACHABLE', 'DISK_FULL', 'IO_ERROR']);

/**
 * Runs `op` over `items` with at most `jobs` in flight, ticking `progress` once per item.
 * Per-item failures are collected and returned, not thrown, so one bad object does not stop
 * the rest; a fatal failure (see FATAL) stops the pool and is thrown once the in-flight work
 * has settled.
 */
export async function runPool(items: readonly string[], jobs: number, progress: Progress, op: (md5: string) => Promise<void>): Promise<TransferOutcome> {
  const done: string[] = [];
  const failed: TransferFailure[] = [];
  let next = 0;
  let fatal: PaddockError | undefined;
  const worker = async (): Promise<void> => {
    while (next < items.length && !fatal) {
      const md5 = items[next++]!;
      try {
        await op(md5);
        done.push(md5);
      } catch (err) {
        const error = asPaddockError(err);
        if (FATAL.has(error.code)) fatal ??= error;
        else failed.push({ md5, error });
      }
      progress.tick();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, items.length)) }, worker));
  if (fatal) throw fatal;
  return { done, failed };
}

function asPaddockError(err: unknown): PaddockError {
  if (err instanceof PaddockError) return err;
  return new PaddockError('INTERNAL', `unexpected error: ${(err as Error)?.message ?? String(err)}`, {}, { cause: err });
}

/**
 * Downloads one object into the cache: to a temp file inside the cache, verified (the md5 of
 * the received bytes must be its name) and moved into place read-only by the cache. A bad
 * download is deleted and reported; the cache only ever holds complete, verified objects.
 */
export async function downloadVerified(store: ObjectStore, md5: string, cache: ObjectCache): Promise<void> {
  const key = objectKey(md5);
  const tmp = cache.tempPath();
  try {
    await store.getFile(key, tmp);
    await cache.insertFile(tmp, md5, { move: true, verify: true });
  } catch (err) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    if (isPaddockError(err, 'CACHE_CORRUPT')) {
      throw new PaddockError('REMOTE_ERROR', `${store.url}/${key}: the downloaded content does not match its hash, so the remote copy is corrupt (push it again from a good cache); it was not stored`, { url: store.url, key, ...err.details }, { cause: err });
    }
    throw err;
  }
}

/** Uploads one cache object to its DVC key on the store. */
export async function uploadObject(store: ObjectStore, md5: string, source: string): Promise<void> {
  await store.putFile(objectKey(md5), source);
}

/**
 * Throws one error describing every failure, naming the remote, the count and the first few
 * keys. A single cause (all objects missing, say) keeps its own code; a mix is REMOTE_ERROR.
 */
export function throwFailures(failed: readonly TransferFailure[], what: { verb: string; url: string }): void {
  if (failed.length === 0) return;
  const codes = new Set(failed.map((f) => f.error.code));
  const code: ErrorCode = codes.size === 1 ? failed[0]!.error.code : 'REMOTE_ERROR';
  const first = failed.slice(0, 3).map((f) => `  ${objectKey(f.md5)}: ${f.error.message}`);
  const more = failed.length > 3 ? `\n  … and ${failed.length - 3} more` : '';
  const message = `${failed.length} object(s) failed to ${what.verb} ${what.url}:\n${first.join('\n')}${more}`;
  throw new PaddockError(code, message, { url: what.url, failed: failed.map((f) => ({ md5: f.md5, code: f.error.code })) });
}

/** Whether a failure means the remote simply lacks the object. */
export function isMissing(f: TransferFailure): boolean {
  return isPaddockError(f.error, 'REMOTE_OBJECT_MISSING');
}
