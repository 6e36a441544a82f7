import { statSync, type Stats } from 'node:fs';
import path from 'node:path';
import { fail, fromSystemError } from '../core/errors.js';
import type { Project } from '../core/project.js';
import { manifestHash, serializeManifest, sortEntries } from './dir-manifest.js';
import { md5File, md5FileSync, SMALL_FILE } from './hash-file.js';
import { loadIgnoreRules } from './ignore.js';
import { stateDbFor, sigOf, type DirStateEntry, type StateDb } from './state-db.js';
import type { HashInfo } from './types.js';
import { walkTree, type TreeFile, type TreeStat } from './walk-tree.js';

/** One file of a hashed directory. */
export interface TreeEntry {
  readonly relpath: string;
  readonly abs: string;
  readonly md5: string;
  readonly size: number;
  readonly stat: TreeStat;
}

/** A hashed directory: its HashInfo, sorted entries and the manifest bytes DVC stores. */
export interface TreeHash {
  readonly hash: HashInfo;
  readonly entries: readonly TreeEntry[];
  /** The exact `.dir` object bytes. */
  manifest(): Buffer;
}

/**
 * Hashes a file or directory, using the state database so unchanged files (same inode, mtime
 * and size) are never read again. PATH_NOT_FOUND if absent.
 */
export async function hashPath(project: Project, absPath: string): Promise<HashInfo> {
  const st = statOrFail(absPath);
  if (st.isDirectory()) return (await hashTree(project, absPath)).hash;
  return { md5: await hashFile(project, absPath, st), size: st.size };
}

/** md5 of one file through the state database. */
export async function hashFile(project: Project, absPath: string, st: Stats = statOrFail(absPath)): Promise<string> {
  const state = stateDbFor(project.stateDir);
  const sig = sigOf(st);
  const known = state.fileMd5(sig);
  if (known) return known;
  let md5: string;
  if (st.size <= SMALL_FILE) md5 = md5FileSync(absPath, st.size);
  else {
    const bar = project.progress(`hashing ${path.basename(absPath)}`, 'bytes');
    bar.addTotal(st.size);
    try {
      md5 = await md5File(absPath, (n) => bar.tick(n));
    } finally {
      bar.done();
    }
  }
  state.rememberFile(sig, md5);
  return md5;
}

/**
 * Hashes a directory as DVC does (sorted `{md5, relpath}` manifest; size and nfiles summed).
 * Files whose stat matches the directory's remembered state are not read; when nothing changed
 * the remembered hash is returned without rebuilding the manifest.
 */
export async function hashTree(project: Project, absDir: string): Promise<TreeHash> {
  const state = stateDbFor(project.stateDir);
  const rel = path.relative(project.root, absDir).split(path.sep).join('/');
  const files = walkTree(absDir, loadIgnoreRules(project.root), rel);
  const prev = state.dir(absDir);
  const known = new Map<string, DirStateEntry>();
  for (const e of prev?.entries ?? []) known.set(e[0], e);
  const md5s: (string | undefined)[] = new Array(files.length);
  const todo: number[] = [];
  let unchanged = prev !== undefined && prev.entries.length === files.length;
  for (let i = 0; i < files.length; i++) {
    const f = files[i]!;
    const k = known.get(f.relpath);
    if (k && k[1] === f.stat.ino && k[2] === f.stat.mtimeMs && k[3] === f.stat.size) md5s[i] = k[4];
    else {
      unchanged = false;
      todo.push(i);
    }
  }
  if (unchanged && prev) return lazyTree(prev.md5, files, md5s as string[]);
  await hashMissing(project, state, files, md5s, todo);
  const tree = buildTree(files, md5s as string[]);
  state.rememberDir(absDir, {
    md5: tree.hash.md5,
    size: tree.hash.size,
    nfiles: tree.hash.nfiles!,
    entries: tree.entries.map((e) => [e.relpath, e.stat.ino, e.stat.mtimeMs, e.stat.size, e.md5] as const),
  });
  return tree;
}

async function hashMissing(project: Project, state: StateDb, files: readonly TreeFile[], md5s: (string | undefined)[], todo: readonly number[]): Promise<void> {
  if (todo.length === 0) return;
  const bar = project.progress('hashing', 'files');
  bar.addTotal(todo.length);
  try {
    const large: number[] = [];
    state.transaction(() => {
      for (const i of todo) {
        const f = files[i]!;
        const sig = sigOf(f.stat);
        const cached = state.fileMd5(sig);
        if (cached) md5s[i] = cached;
        else if (f.stat.size > SMALL_FILE) {
          large.push(i);
          continue;
        } else md5s[i] = md5FileSync(f.abs, f.stat.size);
        bar.tick();
      }
    });
    // Large files stream asynchronously, a few at a time, so reads overlap with hashing.
    let next = 0;
    const worker = async () => {
      while (next < large.length) {
        const i = large[next++]!;
        md5s[i] = await md5File(files[i]!.abs);
        state.rememberFile(sigOf(files[i]!.stat), md5s[i]!);
        bar.tick();
      }
    };
    await Promise.all(Array.from({ length: Math.min(4, large.length) }, worker));
  } finally {
    bar.done();
  }
}

/** Builds the sorted entries, manifest and hash of a directory whose file md5s are known. */
export function buildTree(files: readonly TreeFile[], md5s: readonly string[]): TreeHash {
  const entries: TreeEntry[] = files.map((f, i) => ({ relpath: f.relpath, abs: f.abs, md5: md5s[i]!, size: f.stat.size, stat: f.stat }));
  sortEntries(entries);
  const bytes = serializeManifest(entries);
  let size = 0;
  for (const e of entries) size += e.size;
  return { hash: { md5: manifestHash(bytes), size, nfiles: entries.length }, entries, manifest: () => bytes };
}

function lazyTree(md5: string, files: readonly TreeFile[], md5s: readonly string[]): TreeHash {
  let built: TreeHash | undefined;
  const get = () => (built ??= buildTree(files, md5s));
  let size = 0;
  for (const f of files) size += f.stat.size;
  return {
    hash: { md5, size, nfiles: files.length },
    get entries() {
      return get().entries;
    },
    manifest: () => get().manifest(),
  };
}

/** stat that follows symlinks; PATH_NOT_FOUND naming the path when absent. */
export function statOrFail(absPath: string): Stats {
  try {
    return statSync(absPath);
  } catch (err) {
    throw fromSystemError(err, absPath);
  }
}

/** Fails unless the path is a regular file or a directory. */
export function assertTrackable(absPath: string, st: Stats): void {
  if (!st.isFile() && !st.isDirectory()) fail('INVALID_ARGUMENT', `${absPath}: only regular files and directories can be tracked`, { path: absPath });
}
