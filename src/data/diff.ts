import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { listFilesAtRev, readAtRev, resolveRev } from '../core/git.js';
import type { Project } from '../core/project.js';
import { missingObjects, readManifest } from './cached.js';
import { dataContext } from './data-context.js';
import { hashPath, hashTree } from './hash-path.js';
import { isDirHash } from './object-key.js';
import { lockOutputs } from './pipeline-outputs.js';
import { parsePointer } from './pointer-file.js';
import { scanRepo } from './repo-scan.js';

/** One changed path; `hash` is the md5 (or `{old, new}` for modified). */
export interface DiffEntry {
  readonly path: string | { readonly old: string; readonly new: string };
  readonly hash: string | { readonly old: string; readonly new: string };
}

/** `dvc diff --json`'s shape (before the CLI drops `hash` without --show-hash). */
export interface DiffResult {
  readonly added: readonly DiffEntry[];
  readonly deleted: readonly DiffEntry[];
  readonly modified: readonly DiffEntry[];
  readonly renamed: readonly DiffEntry[];
  readonly 'not in cache': readonly DiffEntry[];
}

/** Tracked outputs at one side: repo-relative posix path → md5 (directories as `dir/`). */
type Side = Map<string, string>;

/**
 * Compares tracked data between git revision `a` and revision `b`, or the workspace when `b` is
 * omitted. Directories appear as `dir/` with their `.dir` hash, followed by one entry per file
 * (expanded from the cache; from the disk for the workspace). Files added and deleted with the
 * same hash are reported as renamed.
 */
export async function dataDiff(project: Project, a: string, b?: string): Promise<DiffResult> {
  const oldRefs = await outputsAtRev(project, await resolveRev(project.root, a));
  const newSide = b === undefined ? await workspaceSide(project) : expand(project, await outputsAtRev(project, await resolveRev(project.root, b)));
  const oldSide = expand(project, oldRefs);
  const added: DiffEntry[] = [];
  const deleted: DiffEntry[] = [];
  const modified: DiffEntry[] = [];
  for (const [p, h] of newSide) {
    const old = oldSide.get(p);
    if (old === undefined) added.push({ path: p, hash: h });
    else if (old !== h) modified.push({ path: p, hash: { old, new: h } });
  }
  for (const [p, h] of oldSide) if (!newSide.has(p)) deleted.push({ path: p, hash: h });
  const renamed = pairRenames(added, deleted);
  const notInCache: DiffEntry[] = [];
  if (b === undefined) {
    const ctx = dataContext(project);
    for (const [p, h] of oldRefs) if (newSide.get(p) === h && missingObjects(ctx, h).length > 0) notInCache.push({ path: p, hash: h });
  }
  const byPath = (x: DiffEntry, y: DiffEntry) => key(x).localeCompare(key(y));
  return { added: added.sort(byPath), deleted: deleted.sort(byPath), modified: modified.sort(byPath), renamed: renamed.sort(byPath), 'not in cache': notInCache.sort(byPath) };
}

function key(e: DiffEntry): string {
  return typeof e.path === 'string' ? e.path : e.path.old;
}

/** Moves file entries added and deleted with one hash into `renamed` (first match each). */
function pairRenames(added: DiffEntry[], deleted: DiffEntry[]): DiffEntry[] {
  const renamed: DiffEntry[] = [];
  for (let i = 0; i < added.length; i++) {
    const x = added[i]!;
    if ((x.path as string).endsWith('/')) continue;
    const j = deleted.findIndex((d) => d.hash === x.hash && !(d.path as string).endsWith('/'));
    if (j < 0) continue;
    renamed.push({ path: { old: deleted[j]!.path as string, new: x.path as string }, hash: x.hash });
    deleted.splice(j, 1);
    added.splice(i--, 1);
  }
  return renamed;
}

/** Outputs recorded by `.dvc` files and dvc.lock files committed at `commit`. */
async function outputsAtRev(project: Project, commit: string): Promise<Side> {
  const side: Side = new Map();
  const files = (await listFilesAtRev(project.root, commit, /(^|\/)(dvc\.lock|[^/]+\.dvc)$/)).filter((f) => !f.split('/').includes('.dvc'));
  for (const file of files) {
    const text = await readAtRev(project.root, commit, file);
    if (text !== undefined) addRefs(project, side, file, text);
  }
  return side;
}

function addRefs(project: Project, side: Side, file: string, text: string): void {
  const dir = path.posix.dirname(file);
  if (file.endsWith('dvc.lock')) {
    for (const o of lockOutputs(text, file)) if (o.md5) side.set(path.posix.join(dir, o.path), o.md5);
    return;
  }
  const p = parsePointer(text, path.join(project.root, file));
  for (const o of p.outs) {
    if (!o.md5) continue;
    const abs = path.resolve(p.wdir, o.path);
    side.set(path.relative(project.root, abs).split(path.sep).join('/'), o.md5);
  }
}

/** Adds `dir/` keys and per-file entries for directories whose manifest is in the cache. */
function expand(project: Project, refs: Side): Side {
  const ctx = dataContext(project);
  const side: Side = new Map();
  for (const [p, md5] of refs) {
    if (!isDirHash(md5)) {
      side.set(p, md5);
      continue;
    }
    side.set(`${p}/`, md5);
    if (!ctx.cache.has(md5)) continue;
    for (const e of readManifest(ctx, md5)) side.set(`${p}/${e.relpath}`, e.md5);
  }
  return side;
}

/** The workspace's current content of every tracked output. */
async function workspaceSide(project: Project): Promise<Side> {
  const refs: Side = new Map();
  const scan = scanRepo(project);
  for (const p of scan.pointers) {
    for (const o of p.outs) refs.set(path.relative(project.root, path.resolve(p.wdir, o.path)).split(path.sep).join('/'), '');
  }
  for (const yaml of scan.pipelineFiles) {
    const lock = path.join(path.dirname(yaml), 'dvc.lock');
    if (!existsSync(lock)) continue;
    const dir = path.relative(project.root, path.dirname(yaml)).split(path.sep).join('/');
    for (const o of lockOutputs(readFileSync(lock, 'utf8'), lock)) refs.set(path.posix.join(dir || '.', o.path), '');
  }
  const side: Side = new Map();
  for (const rel of refs.keys()) {
    const abs = path.join(project.root, rel);
    if (!existsSync(abs)) continue;
    const h = await hashPath(project, abs);
    if (!isDirHash(h.md5)) {
      side.set(rel, h.md5);
      continue;
    }
    side.set(`${rel}/`, h.md5);
    for (const e of (await hashTree(project, abs)).entries) side.set(`${rel}/${e.relpath}`, e.md5);
  }
  return side;
}
