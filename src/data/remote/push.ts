import { PaddockError } from '../../core/errors.js';
import type { ObjectStore } from '../../core/object-store.js';
import type { Project } from '../../core/project.js';
import { isDirHash, objectKey } from '../object-key.js';
import { cachedManifest, cachedSet, cachePath } from './local-data.js';
import { groupByRemote, openTransferRemote } from './open-remote.js';
import { runPool, throwFailures, uploadObject, type TransferFailure } from './transfer.js';
import { collectUsed, type TransferScope } from './used-objects.js';

/** Options of `paddock push`. */
export interface PushOptions extends TransferScope {
  /** Remote name; default `core.remote` (outputs with their own `remote:` go there). */
  readonly remote?: string;
  /** Parallel uploads; default the remote's `jobs`, else `core.jobs`. */
  readonly jobs?: number;
}

/** What one push did on one remote. */
export interface PushReport {
  readonly remote: string;
  readonly url: string;
  /** Objects uploaded (files and `.dir` manifests). */
  readonly pushed: number;
  /** Objects the remote already had. */
  readonly skipped: number;
}

/**
 * Uploads the cache objects the workspace (or the given targets/revisions) references to the
 * remote, skipping what it has. A directory's files go first and its `.dir` manifest last, so
 * a `.dir` on the remote means its files are there too; an interrupted push resumes by simply
 * running again. Per-object failures are gathered and thrown together at the end.
 */
export async function push(project: Project, options: PushOptions = {}): Promise<PushReport[]> {
  const used = (await collectUsed(project, options)).filter((u) => u.push !== false);
  const reports: PushReport[] = [];
  for (const [name, group] of groupByRemote(used, options.remote)) {
    const remote = openTransferRemote(project, name || undefined, options.jobs);
    const counts = await pushObjects(project, remote.store, group.map((u) => u.md5), remote.jobs);
    reports.push({ remote: remote.name, url: remote.store.url, ...counts });
  }
  return reports;
}

/**
 * Pushes top-level objects (file hashes and `.dir` hashes) from the project's cache to `store`
 * with `jobs` uploads in flight. Exported for benchmarks and for callers with their own list.
 */
export async function pushObjects(project: Project, store: ObjectStore, tops: readonly string[], jobs: number): Promise<{ pushed: number; skipped: number }> {
  const unique = [...new Set(tops)];
  const dirs = unique.filter(isDirHash);
  const failed: TransferFailure[] = [];
  const local = await cachedSet(project, dirs);
  const remoteDirs = await store.hasMany(dirs.map(objectKey));
  // A .dir on the remote was pushed last, after all its files: skip the whole directory.
  const dirFiles = new Map<string, string[]>();
  for (const dir of dirs) {
    if (remoteDirs.has(objectKey(dir))) continue;
    if (!local.has(dir)) {
      failed.push({ md5: dir, error: missingLocally(project, dir) });
      continue;
    }
    dirFiles.set(dir, (await cachedManifest(project, dir)).map((e) => e.md5));
  }
  const files = new Set(unique.filter((h) => !isDirHash(h)));
  for (const list of dirFiles.values()) list.forEach((f) => files.add(f));
  const onRemote = await store.hasMany([...files].map(objectKey));
  const toUpload = [...files].filter((f) => !onRemote.has(objectKey(f)));
  const present = await cachedSet(project, toUpload);
  const uploadable = toUpload.filter((f) => present.has(f));
  for (const f of toUpload) if (!present.has(f)) failed.push({ md5: f, error: missingLocally(project, f) });

  const progress = project.progress(`push to ${store.url}`, 'files');
  progress.addTotal(uploadable.length + dirFiles.size);
  try {
    const upload = (md5: string) => uploadObject(store, md5, cachePath(project, md5));
    const fileOutcome = await runPool(uploadable, jobs, progress, upload);
    failed.push(...fileOutcome.failed);
    const bad = new Set(failed.map((f) => f.md5));
    const readyDirs = [...dirFiles].filter(([, list]) => !list.some((f) => bad.has(f))).map(([dir]) => dir);
    for (const [dir] of dirFiles) {
      if (!readyDirs.includes(dir)) failed.push({ md5: dir, error: new PaddockError('REMOTE_ERROR', 'not pushed because some of its files failed', { md5: dir }) });
    }
    const dirOutcome = await runPool(readyDirs, jobs, progress, upload);
    failed.push(...dirOutcome.failed);
    throwFailures(failed, { verb: 'push to', url: store.url });
    const pushed = fileOutcome.done.length + dirOutcome.done.length;
    return { pushed, skipped: onRemote.size + remoteDirs.size };
  } finally {
    progress.done();
  }
}

function missingLocally(project: Project, md5: string): PaddockError {
  return new PaddockError('CACHE_MISSING', `not in the local cache (${cachePath(project, md5)}); nothing to push`, { md5 });
}
