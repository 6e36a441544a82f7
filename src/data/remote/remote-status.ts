import { isPaddockError } from '../../core/errors.js';
import type { ObjectStore } from '../../core/object-store.js';
import type { Project } from '../../core/project.js';
import { parseManifest } from '../dir-manifest.js';
import { isDirHash, objectKey } from '../object-key.js';
import type { DirEntry } from '../types.js';
import { cachedManifest, cachedSet } from './local-data.js';
import { groupByRemote, openTransferRemote } from './open-remote.js';
import { collectUsed, type TransferScope } from './used-objects.js';

/**
 * How one object compares between the cache and a remote, in DVC's `status --cloud` words:
 * `new` only in the cache (push it), `deleted` only on the remote (pull it), `missing` in
 * neither.
 */
export type RemoteObjectState = 'new' | 'deleted' | 'missing';

/** One object that is not in sync. */
export interface RemoteObjectStatus {
  readonly md5: string;
  /** Repo-relative path of the file (inside its directory output for directory members). */
  readonly path: string;
  readonly state: RemoteObjectState;
}

/** `status --remote` for one remote. */
export interface RemoteStatus {
  readonly remote: string;
  readonly url: string;
  /** Objects not in sync, sorted by path. */
  readonly objects: readonly RemoteObjectStatus[];
  readonly counts: { readonly new: number; readonly deleted: number; readonly missing: number; readonly inSync: number };
}

/** Options of `status --remote`. */
export interface RemoteStatusOptions extends TransferScope {
  readonly remote?: string;
  readonly jobs?: number;
}

/**
 * Compares the objects the workspace references with the cache and the remote: what a push
 * would upload (`new`), what a pull would download (`deleted` locally), and what neither
 * has (`missing`). Directories count file by file, with their manifest.
 */
export async function remoteStatus(project: Project, options: RemoteStatusOptions = {}): Promise<RemoteStatus[]> {
  const used = await collectUsed(project, options);
  const out: RemoteStatus[] = [];
  for (const [name, group] of groupByRemote(used, options.remote)) {
    const remote = openTransferRemote(project, name || undefined, options.jobs);
    out.push({ remote: remote.name, url: remote.store.url, ...(await compare(project, remote.store, group)) });
  }
  return out;
}

async function compare(project: Project, store: ObjectStore, used: readonly { md5: string; path: string }[]): Promise<Pick<RemoteStatus, 'objects' | 'counts'>> {
  const paths = new Map<string, string>();
  for (const u of used) {
    paths.set(u.md5, u.path);
    if (!isDirHash(u.md5)) continue;
    for (const e of (await manifestAnywhere(project, store, u.md5)) ?? []) {
      if (!paths.has(e.md5)) paths.set(e.md5, `${u.path}/${e.relpath}`);
    }
  }
  const all = [...paths.keys()];
  const local = await cachedSet(project, all);
  const remote = await store.hasMany(all.map(objectKey));
  const objects: RemoteObjectStatus[] = [];
  let inSync = 0;
  for (const md5 of all) {
    const l = local.has(md5);
    const r = remote.has(objectKey(md5));
    if (l && r) inSync++;
    else objects.push({ md5, path: paths.get(md5)!, state: l ? 'new' : r ? 'deleted' : 'missing' });
  }
  objects.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const count = (s: RemoteObjectState) => objects.filter((o) => o.state === s).length;
  return { objects, counts: { new: count('new'), deleted: count('deleted'), missing: count('missing'), inSync } };
}

/** A manifest from the cache, else read (not stored) from the remote; undefined if neither has it. */
async function manifestAnywhere(project: Project, store: ObjectStore, md5: string): Promise<DirEntry[] | undefined> {
  if ((await cachedSet(project, [md5])).has(md5)) return cachedManifest(project, md5);
  try {
    return parseManifest(await store.getBytes(objectKey(md5)), `${store.url}/${objectKey(md5)}`);
  } catch (err) {
    if (isPaddockError(err, 'REMOTE_OBJECT_MISSING')) return undefined;
    throw err;
  }
}
