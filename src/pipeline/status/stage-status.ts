import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Project } from '../../core/project.js';
import { hashPath, isCached } from '../../data/index.js';
import type { HashLike } from '../lock/lock-entry.js';
import { sameValue } from '../lock/lock-entry.js';
import { isUrl } from '../dag/repo-paths.js';
import type { LockEntry, LockStage, Stage } from '../model.js';

/** How a dependency or output differs from dvc.lock (DVC's words). */
export type PathState = 'modified' | 'deleted' | 'new' | 'not in cache';
/** How a tracked param differs from dvc.lock. */
export type ParamState = 'modified' | 'new' | 'deleted';

/** What changed in one stage since dvc.lock recorded it. */
export interface StageStatus {
  readonly stage: Stage;
  /** DVC's addressing: the name for the root dvc.yaml, else `dir/dvc.yaml:name`. */
  readonly addressing: string;
  /** Whether repro would run (or, for a frozen stage, re-record) it. */
  readonly changed: boolean;
  /** The stage has no dvc.lock entry yet. */
  readonly lockMissing: boolean;
  readonly commandChanged: boolean;
  /** `always_changed: true`, or a cmd with no deps and no outs (DVC's callback stage). */
  readonly alwaysChanged: boolean;
  readonly frozen: boolean;
  /** Changed deps by path as written (empty for a frozen stage, as DVC reports). */
  readonly deps: Readonly<Record<string, PathState>>;
  /** Changed params: file → key → state, or the whole file new/deleted. */
  readonly params: Readonly<Record<string, Readonly<Record<string, ParamState>> | 'new' | 'deleted'>>;
  readonly outs: Readonly<Record<string, PathState>>;
  /** What was measured, for writing the lock without hashing twice. */
  readonly current: CurrentState;
}

/** The current hashes and param values of a stage's inputs and outputs. */
export interface CurrentState {
  /** Hash of each existing dep (missing deps are absent). */
  readonly deps: ReadonlyMap<string, HashLike>;
  readonly params: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Hash of each existing out. */
  readonly outs: ReadonlyMap<string, HashLike>;
}

/** Reads params for a stage (injected so callers can share parsed params files). */
export type ParamsReader = (stage: Stage) => Promise<Record<string, Record<string, unknown>>>;

/**
 * Compares a stage with its lock entry the way DVC's `Stage.changed()`/`status()` do: changed
 * command (by value: a string differs from a one-item list), deps (deleted / modified by md5),
 * params (per key), outs ("not in cache" first, then deleted / modified), `always_changed`.
 * A frozen stage ignores its deps. Hashes come from the state db, so unchanged files are not
 * re-read.
 */
export async function stageStatus(project: Project, stage: Stage, lock: LockStage | undefined, readParams: ParamsReader): Promise<StageStatus> {
  const [deps, params, outs] = await Promise.all([
    depsStatus(project, stage, lock),
    paramsStatus(stage, lock, readParams),
    outsStatus(project, stage, lock),
  ]);
  const commandChanged = lock !== undefined && !sameValue(lock.cmd, stage.cmd);
  const alwaysChanged = stage.alwaysChanged || (stage.deps.length === 0 && stage.params.length === 0 && stage.outs.length === 0);
  const depsChanged = Object.keys(deps.changes).length > 0 || Object.keys(params.changes).length > 0;
  const outsChanged = Object.keys(outs.changes).length > 0;
  const changed = commandChanged || outsChanged || (!stage.frozen && (alwaysChanged || depsChanged));
  return {
    stage,
    addressing: addressingOf(project, stage),
    changed,
    lockMissing: lock === undefined,
    commandChanged,
    alwaysChanged,
    frozen: stage.frozen,
    deps: stage.frozen ? {} : deps.changes,
    params: stage.frozen ? {} : params.changes,
    outs: outs.changes,
    current: { deps: deps.hashes, params: params.values, outs: outs.hashes },
  };
}

/** `name` for a stage of the root dvc.yaml, `sub/dvc.yaml:name` otherwise (DVC's addressing). */
export function addressingOf(project: Pick<Project, 'root'>, stage: Pick<Stage, 'file' | 'name'>): string {
  const rel = path.relative(project.root, stage.file).split(path.sep).join('/');
  return rel === 'dvc.yaml' ? stage.name : `${rel}:${stage.name}`;
}

function findEntry(entries: readonly LockEntry[] | undefined, p: string): LockEntry | undefined {
  return entries?.find((e) => e.path === p);
}

async function exists(abs: string): Promise<boolean> {
  try {
    await fs.stat(abs);
    return true;
  } catch {
    return false;
  }
}

async function depsStatus(project: Project, stage: Stage, lock: LockStage | undefined) {
  const changes: Record<string, PathState> = {};
  const hashes = new Map<string, HashLike>();
  await Promise.all(stage.deps.map(async (dep) => {
    // URL deps (s3://…) are external: Paddock does not hash them, so they never invalidate.
    if (isUrl(dep)) return;
    const abs = path.resolve(stage.wdir, dep);
    if (!(await exists(abs))) {
      changes[dep] = 'deleted';
      return;
    }
    const hash = await hashPath(project, abs);
    hashes.set(dep, hash);
    const entry = findEntry(lock?.deps, dep);
    if (!entry || entry.md5 !== hash.md5) changes[dep] = 'modified';
  }));
  return { changes: sortKeys(changes), hashes };
}

async function paramsStatus(stage: Stage, lock: LockStage | undefined, readParams: ParamsReader) {
  const changes: Record<string, Record<string, ParamState> | 'new' | 'deleted'> = {};
  if (stage.params.length === 0) return { changes, values: {} };
  const values = await readParams(stage);
  for (const spec of stage.params) {
    const actual = values[spec.file] ?? {};
    const recorded = lock?.params?.[spec.file];
    if (recorded === undefined) {
      changes[spec.file] = 'new';
      continue;
    }
    const keys = spec.keys ?? [...new Set([...Object.keys(actual), ...Object.keys(recorded)])];
    const fileChanges: Record<string, ParamState> = {};
    for (const key of keys) {
      if (!(key in actual)) fileChanges[key] = 'deleted';
      else if (!(key in recorded)) fileChanges[key] = 'new';
      else if (!sameValue(actual[key], recorded[key])) fileChanges[key] = 'modified';
    }
    if (Object.keys(fileChanges).length) changes[spec.file] = fileChanges;
  }
  return { changes, values };
}

async function outsStatus(project: Project, stage: Stage, lock: LockStage | undefined) {
  const changes: Record<string, PathState> = {};
  const hashes = new Map<string, HashLike>();
  await Promise.all(stage.outs.map(async (out) => {
    const abs = path.resolve(stage.wdir, out.path);
    const entry = findEntry(lock?.outs, out.path);
    if (entry?.md5 && out.cache && !(await isCached(project, entry))) {
      changes[out.path] = 'not in cache';
    }
    if (!(await exists(abs))) {
      changes[out.path] ??= 'deleted';
      return;
    }
    const hash = await hashPath(project, abs);
    hashes.set(out.path, hash);
    if (!entry || entry.md5 !== hash.md5) changes[out.path] ??= 'modified';
  }));
  return { changes: sortKeys(changes), hashes };
}

function sortKeys<T>(r: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * The stage's entry in DVC's `status --json` shape: a list of `{"changed deps": {…}}`,
 * `{"changed outs": {…}}`, `"always changed"`, `"changed command"`; empty when unchanged.
 */
export function toDvcStatus(status: StageStatus): unknown[] {
  const out: unknown[] = [];
  const deps: Record<string, unknown> = { ...status.deps, ...status.params };
  if (Object.keys(deps).length) out.push({ 'changed deps': deps });
  if (Object.keys(status.outs).length) out.push({ 'changed outs': status.outs });
  if (status.alwaysChanged && !status.frozen) out.push('always changed');
  if (status.commandChanged) out.push('changed command');
  return out;
}
