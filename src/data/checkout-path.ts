import { lstatSync, mkdirSync, readdirSync, rmdirSync, rmSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import { fail } from '../core/errors.js';
import type { Project } from '../core/project.js';
import { missingObjects, objectPath, readManifest } from './cached.js';
import { dataContext, type DataContext } from './data-context.js';
import { md5Dos2UnixSync } from './hash-file.js';
import { hashFile, hashTree } from './hash-path.js';
import { isDirHash } from './object-key.js';
import { sigOf, type DirStateEntry } from './state-db.js';
import type { HashInfo } from './types.js';

/** Options of a checkout. */
export interface CheckoutOptions {
  /** Overwrite workspace changes that are not in the cache. */
  readonly force?: boolean;
  /** The pointer is DVC 2.x (objects in the legacy layout, md5-dos2unix hashes). */
  readonly legacy?: boolean;
}

/**
 * Makes the workspace path match `hash` from the cache (a directory: exactly the manifest,
 * extra files removed, as DVC does). Every file is written to a temp beside it and renamed.
 * CACHE_MISSING (before touching anything) if an object is absent; WORKSPACE_CONFLICT if a
 * change in the workspace would be lost (its content is not in the cache) and `force` is unset.
 */
export async function checkoutPath(project: Project, hash: HashInfo, absPath: string, options: CheckoutOptions = {}): Promise<'unchanged' | 'restored'> {
  const ctx = dataContext(project);
  const missing = missingObjects(ctx, hash.md5, options.legacy);
  if (missing.length > 0) {
    fail('CACHE_MISSING', `${absPath}: ${missing.length} object(s) not in the cache (${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', …' : ''})`, { path: absPath, missing: missing.slice(0, 100) });
  }
  return isDirHash(hash.md5) ? checkoutTree(ctx, hash, absPath, options) : checkoutFile(ctx, hash.md5, absPath, options);
}

async function checkoutFile(ctx: DataContext, md5: string, abs: string, options: CheckoutOptions): Promise<'unchanged' | 'restored'> {
  const st = lstatOrUndefined(abs);
  if (st?.isDirectory()) {
    if (!options.force) conflict(abs, 'a directory is where the tracked file belongs');
    rmSync(abs, { recursive: true, force: true });
  } else if (st) {
    const current = options.legacy ? md5Dos2UnixSync(abs) : await hashFile(ctx.project, abs, statSync(abs));
    if (current === md5) return 'unchanged';
    if (!options.force && !ctx.cache.has(current)) conflict(abs, 'the file was modified and its content is not in the cache');
  }
  mkdirSync(path.dirname(abs), { recursive: true });
  ctx.linker.place(objectPath(ctx, md5, options.legacy), abs);
  if (!options.legacy) ctx.state.rememberFile(sigOf(statSync(abs)), md5);
  return 'restored';
}

async function checkoutTree(ctx: DataContext, hash: HashInfo, abs: string, options: CheckoutOptions): Promise<'unchanged' | 'restored'> {
  const manifest = readManifest(ctx, hash.md5, options.legacy);
  const st = lstatOrUndefined(abs);
  const current = new Map<string, string>();
  if (st && !st.isDirectory()) {
    if (!options.force && !ctx.cache.has(await hashFile(ctx.project, abs))) conflict(abs, 'a file is where the tracked directory belongs');
    rmSync(abs, { force: true });
  } else if (st) {
    const tree = await hashTree(ctx.project, abs);
    if (tree.hash.md5 === hash.md5 && !options.legacy) return 'unchanged';
    for (const e of tree.entries) current.set(e.relpath, e.md5);
  }
  const wanted = new Map(manifest.map((e) => [e.relpath, e.md5]));
  const extra = [...current.keys()].filter((r) => !wanted.has(r));
  const changed = manifest.filter((e) => current.has(e.relpath) && current.get(e.relpath) !== e.md5);
  const toPlace = manifest.filter((e) => current.get(e.relpath) !== e.md5);
  if (!options.force && !options.legacy) {
    const lost = [...extra, ...changed.map((e) => e.relpath)].filter((r) => !ctx.cache.has(current.get(r)!));
    if (lost.length > 0) conflict(abs, `${lost.length} file(s) would be lost: ${lost.slice(0, 5).join(', ')}${lost.length > 5 ? ', …' : ''}`);
  }
  if (extra.length === 0 && toPlace.length === 0) return 'unchanged';
  for (const r of extra) rmSync(path.join(abs, r), { force: true });
  pruneEmptyDirs(abs, extra);
  placeAll(ctx, abs, toPlace, options.legacy);
  if (!options.legacy) rememberTree(ctx, abs, hash, manifest);
  return 'restored';
}

function placeAll(ctx: DataContext, abs: string, entries: readonly { relpath: string; md5: string }[], legacy?: boolean): void {
  const bar = ctx.project.progress('checkout', 'files');
  bar.addTotal(entries.length);
  const made = new Set<string>();
  try {
    for (const e of entries) {
      const dest = path.join(abs, ...e.relpath.split('/'));
      const dir = path.dirname(dest);
      if (!made.has(dir)) {
        const inWay = lstatOrUndefined(dir);
        if (inWay && !inWay.isDirectory()) rmSync(dir, { force: true });
        mkdirSync(dir, { recursive: true });
        made.add(dir);
      }
      const inWay = lstatOrUndefined(dest);
      if (inWay?.isDirectory()) rmSync(dest, { recursive: true, force: true });
      ctx.linker.place(objectPath(ctx, e.md5, legacy), dest);
      bar.tick();
    }
  } finally {
    bar.done();
  }
}

/** Records the restored tree in the state database so the next status reads nothing. */
function rememberTree(ctx: DataContext, abs: string, hash: HashInfo, manifest: readonly { relpath: string; md5: string }[]): void {
  const entries: DirStateEntry[] = manifest.map((e) => {
    const st = statSync(path.join(abs, ...e.relpath.split('/')));
    return [e.relpath, st.ino, st.mtimeMs, st.size, e.md5];
  });
  const size = entries.reduce((n, e) => n + e[3], 0);
  ctx.state.rememberDir(abs, { md5: hash.md5, size, nfiles: entries.length, entries });
}

/** Removes folders emptied by deleting `removed` (relpaths), deepest first, never `root`. */
function pruneEmptyDirs(root: string, removed: readonly string[]): void {
  const dirs = new Set<string>();
  for (const r of removed) {
    const parts = r.split('/');
    for (let i = parts.length - 1; i > 0; i--) dirs.add(parts.slice(0, i).join('/'));
  }
  for (const d of [...dirs].sort((a, b) => b.length - a.length)) {
    const p = path.join(root, d);
    try {
      if (readdirSync(p).length === 0) rmdirSync(p);
    } catch {
      // already gone or not empty: nothing to prune
    }
  }
}

function lstatOrUndefined(p: string): Stats | undefined {
  try {
    return lstatSync(p);
  } catch {
    return undefined;
  }
}

function conflict(abs: string, why: string): never {
  fail('WORKSPACE_CONFLICT', `${abs}: ${why}; pass --force to overwrite`, { path: abs });
}
