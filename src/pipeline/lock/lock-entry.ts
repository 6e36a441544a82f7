import type { LockEntry, LockStage, Stage } from '../model.js';
import { compareCodePoints } from './python-format.js';

/** A content hash as the data capability reports it (file md5, or `<md5>.dir` with nfiles). */
export interface HashLike {
  readonly md5: string;
  readonly size: number;
  readonly nfiles?: number;
}

/** The params file DVC always lists first in dvc.lock. */
export const DEFAULT_PARAMS_FILE = 'params.yaml';

/**
 * Builds a stage's dvc.lock entry exactly as DVC's `to_single_stage_lockfile` orders it:
 * `cmd, deps, params, outs`; deps and outs sorted by path (code-point order, as Python sorts);
 * params with params.yaml first, then the other files alphabetically, keys sorted (top level
 * only). Empty sections are left out.
 */
export function buildLockStage(
  stage: Pick<Stage, 'cmd'>,
  deps: ReadonlyMap<string, HashLike>,
  params: Readonly<Record<string, Readonly<Record<string, unknown>>>>,
  outs: ReadonlyMap<string, HashLike>,
): LockStage {
  const depEntries = toEntries(deps);
  const paramEntries = orderParams(params);
  const outEntries = toEntries(outs);
  return {
    cmd: stage.cmd,
    ...(depEntries.length ? { deps: depEntries } : {}),
    ...(Object.keys(paramEntries).length ? { params: paramEntries } : {}),
    ...(outEntries.length ? { outs: outEntries } : {}),
  };
}

function toEntries(hashes: ReadonlyMap<string, HashLike>): LockEntry[] {
  return [...hashes.entries()]
    .sort(([a], [b]) => compareCodePoints(a, b))
    .map(([path, h]) => ({ path, hash: 'md5' as const, md5: h.md5, size: h.size, ...(h.nfiles !== undefined ? { nfiles: h.nfiles } : {}) }));
}

/** params.yaml first, the rest by file name; keys sorted within each file (not recursively). */
export function orderParams(params: Readonly<Record<string, Readonly<Record<string, unknown>>>>): Record<string, Record<string, unknown>> {
  const files = Object.keys(params).sort(compareCodePoints);
  const ordered = files.includes(DEFAULT_PARAMS_FILE) ? [DEFAULT_PARAMS_FILE, ...files.filter((f) => f !== DEFAULT_PARAMS_FILE)] : files;
  const out: Record<string, Record<string, unknown>> = {};
  for (const file of ordered) {
    const values = params[file]!;
    out[file] = Object.fromEntries(Object.keys(values).sort(compareCodePoints).map((k) => [k, values[k]]));
  }
  return out;
}

/** A lock stage as plain data in DVC's key order, ready for the YAML writer or hashing. */
export function lockStageToPlain(stage: LockStage): Record<string, unknown> {
  const entry = (e: LockEntry) => ({ path: e.path, hash: e.hash, md5: e.md5, size: e.size, ...(e.nfiles !== undefined ? { nfiles: e.nfiles } : {}) });
  return {
    cmd: Array.isArray(stage.cmd) ? [...stage.cmd] : stage.cmd,
    ...(stage.deps?.length ? { deps: stage.deps.map(entry) } : {}),
    ...(stage.params && Object.keys(stage.params).length ? { params: orderParams(stage.params) } : {}),
    ...(stage.outs?.length ? { outs: stage.outs.map(entry) } : {}),
  };
}

/** Deep equality of plain YAML/JSON values (lists vs lists, maps by keys, numbers by value). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => sameValue(v, b[i]));
  }
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    const bo = b as Record<string, unknown>;
    return ka.length === kb.length && ka.every((k) => Object.hasOwn(bo, k) && sameValue((a as Record<string, unknown>)[k], bo[k]));
  }
  return false;
}
