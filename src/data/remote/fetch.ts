import type { ObjectStore } from '../../core/object-store.js';
import type { Project } from '../../core/project.js';
import { withRepoLock } from '../../core/repo-lock.js';
import { isDirHash } from '../object-key.js';
import { cacheOf, cachedManifest, cachedSet } from './local-data.js';
import { groupByRemote, openTransferRemote } from './open-remote.js';
import { downloadVerified, runPool, throwFailures, type TransferFailure } from './transfer.js';
import { collectUsed, type TransferScope, type UsedObject } from './used-objects.js';

/** Options of `paddock fetch` (and the fetch half of `pull`). */
export interface FetchOptions extends TransferScope {
  readonly remote?: string;
  readonly jobs?: number;
}

/** What one fetch did on one remote. */
export interface FetchReport {
  readonly remote: string;
  readonly url: string;
  /** Objects downloaded into the cache. */
  readonly fetched: number;
  /** Objects the cache already had. */
  readonly cached: number;
}

/**
 * Downloads the objects the workspace (or the given targets/revisions) references and the
 * cache lacks. Every download is verified against its hash before it enters the cache.
 * Objects that fail (missing on the remote, corrupt) are reported together at the end;
 * everything else is fetched.
 */
export async function fetch(project: Project, options: FetchOptions = {}): Promise<FetchReport[]> {
  return withRepoLock(project.stateDir, async () => {
    const { reports, error } = await fetchUsed(project, await collectUsed(project, options), options);
    if (error) throw error;
    return reports;
  });
}

/** Fetches the given outputs; returns the reports and the error to raise, if any. */
export async function fetchUsed(project: Project, used: readonly UsedObject[], options: FetchOptions): Promise<{ reports: FetchReport[]; error?: unknown }> {
  const reports: FetchReport[] = [];
  let error: unknown;
  for (const [name, group] of groupByRemote(used, options.remote)) {
    const remote = openTransferRemote(project, name || undefined, options.jobs);
    try {
      const counts = await fetchObjects(project, remote.store, group.map((u) => u.md5), remote.jobs);
      reports.push({ remote: remote.name, url: remote.store.url, ...counts });
    } catch (err) {
      error ??= err;
    }
  }
  return { reports, error };
}

/**
 * Downloads the top-level objects (file and `.dir` hashes) and, for directories, every file
 * their manifests list, into the project's cache. Exported for benchmarks.
 */
export async function fetchObjects(project: Project, store: ObjectStore, tops: readonly string[], jobs: number): Promise<{ fetched: number; cached: number }> {
  const unique = [...new Set(tops)];
  const dirs = unique.filter(isDirHash);
  const failed: TransferFailure[] = [];
  const progress = project.progress(`fetch from ${store.url}`, 'files');
  try {
    const haveDirs = await cachedSet(project, dirs);
    const needDirs = dirs.filter((d) => !haveDirs.has(d));
    progress.addTotal(needDirs.length);
    const cache = cacheOf(project);
    const download = (md5: string): Promise<void> => downloadVerified(store, md5, cache);
    // Manifests first: they say which files a directory needs.
    const dirOutcome = await runPool(needDirs, jobs, progress, download);
    failed.push(...dirOutcome.failed);
    const files = new Set(unique.filter((h) => !isDirHash(h)));
    const badDirs = new Set(dirOutcome.failed.map((f) => f.md5));
    for (const dir of dirs) {
      if (!badDirs.has(dir)) (await cachedManifest(project, dir)).forEach((e) => files.add(e.md5));
    }
    const haveFiles = await cachedSet(project, files);
    const needFiles = [...files].filter((f) => !haveFiles.has(f));
    progress.addTotal(needFiles.length);
    const fileOutcome = await runPool(needFiles, jobs, progress, download);
    failed.push(...fileOutcome.failed);
    throwFailures(failed, { verb: 'fetch from', url: store.url });
    return { fetched: dirOutcome.done.length + fileOutcome.done.length, cached: haveDirs.size + haveFiles.size };
  } finally {
    progress.done();
  }
}
