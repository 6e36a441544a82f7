import { lstatSync, readlinkSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import type { Project } from '../core/project.js';
import { CacheInserter } from './cache-insert.js';
import { dataContext, type DataContext } from './data-context.js';
import { SMALL_FILE } from './hash-file.js';
import { buildTree, assertTrackable, statOrFail } from './hash-path.js';
import { loadIgnoreRules } from './ignore.js';
import { sigOf, type DirStateEntry } from './state-db.js';
import type { HashInfo } from './types.js';
import { walkTree, type TreeStat } from './walk-tree.js';

/**
 * Hashes a file or directory and stores it in the cache (a directory: every file, then its
 * `.dir` manifest), then makes the workspace path a link or copy per cache.type. Unchanged
 * files (state database) that are already cached are neither read nor copied.
 */
export async function commitPath(project: Project, absPath: string): Promise<HashInfo> {
  const ctx = dataContext(project);
  const st = statOrFail(absPath);
  assertTrackable(absPath, st);
  return st.isDirectory() ? commitTree(ctx, absPath) : commitFile(ctx, absPath, st);
}

async function commitFile(ctx: DataContext, abs: string, st: Stats): Promise<HashInfo> {
  let md5 = ctx.state.fileMd5(sigOf(st));
  if (!md5 || !ctx.cache.has(md5)) {
    const inserter = new CacheInserter(ctx);
    if (st.size <= SMALL_FILE) md5 = inserter.insertSync(abs, st.size, md5);
    else {
      const bar = ctx.project.progress(`adding ${path.basename(abs)}`, 'bytes');
      bar.addTotal(st.size);
      try {
        md5 = await inserter.insertLarge(abs, md5, (n) => bar.tick(n));
      } finally {
        bar.done();
      }
    }
  }
  const after = linkWorkspace(ctx, abs, md5, st);
  ctx.state.rememberFile(sigOf(after), md5);
  return { md5, size: st.size };
}

async function commitTree(ctx: DataContext, abs: string): Promise<HashInfo> {
  const rel = path.relative(ctx.project.root, abs).split(path.sep).join('/');
  const files = walkTree(abs, loadIgnoreRules(ctx.project.root), rel);
  const prev = ctx.state.dir(abs);
  // Files matching a remembered directory that was verified complete in the cache are cached.
  const trusted = prev !== undefined && ctx.state.isDirCached(prev.md5) && ctx.cache.has(prev.md5);
  const known = new Map<string, DirStateEntry>();
  for (const e of prev?.entries ?? []) known.set(e[0], e);
  const md5s: string[] = new Array(files.length);
  const large: number[] = [];
  const inserter = new CacheInserter(ctx);
  const bar = ctx.project.progress('adding', 'files');
  bar.addTotal(files.length);
  try {
    ctx.state.transaction(() => {
      for (let i = 0; i < files.length; i++) {
        const f = files[i]!;
        const k = known.get(f.relpath);
        const same = k !== undefined && k[1] === f.stat.ino && k[2] === f.stat.mtimeMs && k[3] === f.stat.size;
        const md5 = same ? k[4] : ctx.state.fileMd5(sigOf(f.stat));
        if (md5 && ((same && trusted) || ctx.cache.has(md5))) md5s[i] = md5;
        else if (f.stat.size > SMALL_FILE) {
          large.push(i);
          continue;
        } else md5s[i] = inserter.insertSync(f.abs, f.stat.size, md5);
        bar.tick();
      }
    });
    let next = 0;
    const worker = async () => {
      while (next < large.length) {
        const i = large[next++]!;
        md5s[i] = await inserter.insertLarge(files[i]!.abs, undefined);
        bar.tick();
      }
    };
    await Promise.all(Array.from({ length: Math.min(2, large.length) }, worker));
  } finally {
    bar.done();
  }
  const tree = buildTree(files, md5s);
  ctx.cache.insertBytesUnchecked(tree.manifest(), tree.hash.md5);
  const relinks = needsRelink(ctx);
  const entries = tree.entries.map((e): DirStateEntry => {
    const st = relinks ? linkWorkspace(ctx, e.abs, e.md5, e.stat) : e.stat;
    return [e.relpath, st.ino, st.mtimeMs, st.size, e.md5];
  });
  ctx.state.transaction(() => {
    ctx.state.markDirCached(tree.hash.md5);
    ctx.state.rememberDir(abs, { md5: tree.hash.md5, size: tree.hash.size, nfiles: tree.hash.nfiles!, entries });
  });
  return tree.hash;
}

/** Whether the workspace must be replaced by links (hardlink/symlink); reflink/copy already match. */
function needsRelink(ctx: DataContext): boolean {
  const t = ctx.linker.preferred;
  return t === 'hardlink' || t === 'symlink';
}

/**
 * Makes a committed workspace file a hardlink or symlink to its object when cache.type asks
 * for one (a copy or reflink already matches). Returns the stat to remember.
 */
export function linkWorkspace(ctx: DataContext, abs: string, md5: string, st: TreeStat): TreeStat {
  const type = ctx.linker.preferred;
  if (type !== 'hardlink' && type !== 'symlink') return st;
  const object = ctx.cache.pathOf(md5);
  if (type === 'hardlink' && statSync(object).ino === st.ino) return st;
  if (type === 'symlink') {
    const l = lstatSync(abs);
    if (l.isSymbolicLink() && readlinkSync(abs) === object) return st;
  }
  ctx.linker.place(object, abs);
  return statSync(abs);
}
