import path from 'node:path';
import { isPaddockError } from '../../core/errors.js';
import type { Project } from '../../core/project.js';
import { flatten } from '../definition/interpolate.js';
import { loadPipelineFrom } from '../definition/load-pipeline.js';
import { DEFAULT_PARAMS_FILE } from '../definition/normalize.js';
import type { Tree } from '../definition/tree.js';
import { parseParamsText } from './params-file.js';
import { treeFor, WORKSPACE } from './revision.js';

/** `params diff` as DVC prints it with --json: file → dotted key → {old, new}. */
export type ParamsDiff = Record<string, Record<string, { readonly old: unknown; readonly new: unknown }>>;

/**
 * Compares the params files the pipeline uses (params.yaml, every stage's params files, the
 * top-level `params:`) between two revisions: `a` (default HEAD) and `b` (default the
 * workspace). Nested keys are dotted; unchanged keys only with `all`. A file missing on one
 * side shows null there.
 */
export async function paramsDiff(project: Pick<Project, 'root'>, options: { a?: string; b?: string; all?: boolean } = {}): Promise<ParamsDiff> {
  const [oldTree, newTree] = await Promise.all([treeFor(project.root, options.a ?? 'HEAD'), treeFor(project.root, options.b ?? WORKSPACE)]);
  const files = [...new Set([...(await paramsFiles(oldTree)), ...(await paramsFiles(newTree))])].sort((x, y) => order(project.root, x, y));
  const diff: ParamsDiff = {};
  for (const file of files) {
    const [before, after] = await Promise.all([readFlat(oldTree, file), readFlat(newTree, file)]);
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    const entries: Record<string, { old: unknown; new: unknown }> = {};
    for (const key of keys) {
      const [o, n] = [before[key] ?? null, after[key] ?? null];
      if (options.all || JSON.stringify(o) !== JSON.stringify(n)) entries[key] = { old: o, new: n };
    }
    if (Object.keys(entries).length) diff[path.relative(project.root, file).split(path.sep).join('/')] = entries;
  }
  return diff;
}

/** Absolute params files used at a tree: params.yaml at the root when present, stage params, top-level params. */
async function paramsFiles(tree: Tree): Promise<string[]> {
  const files = new Set<string>();
  const rootParams = path.join(tree.root, DEFAULT_PARAMS_FILE);
  if ((await tree.read(rootParams)) !== undefined) files.add(rootParams);
  try {
    const pipeline = await loadPipelineFrom(tree);
    for (const s of pipeline.stages) for (const p of s.params) files.add(path.resolve(s.wdir, p.file));
    for (const f of pipeline.paramsFiles ?? []) files.add(f);
  } catch (err) {
    // An old revision may hold a dvc.yaml this version rejects; its params.yaml still compares.
    if (!isPaddockError(err) || tree.name === WORKSPACE) throw err;
  }
  return [...files];
}

async function readFlat(tree: Tree, file: string): Promise<Record<string, unknown>> {
  const text = await tree.read(file);
  return text === undefined ? {} : flatten(parseParamsText(file, text));
}

function order(root: string, a: string, b: string): number {
  const ra = path.relative(root, a);
  const rb = path.relative(root, b);
  if (ra === DEFAULT_PARAMS_FILE) return -1;
  if (rb === DEFAULT_PARAMS_FILE) return 1;
  return ra < rb ? -1 : ra > rb ? 1 : 0;
}
