import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fail } from '../core/errors.js';
import type { DatasetInput, Param, Tags } from './model.js';

/**
 * The link between `paddock repro` and tracked runs. The repro executor sets these variables in
 * each stage's environment (src/pipeline/repro/run-stage.ts); a run started inside the stage
 * reads them and records the stage, its params, the dvc.lock hashes of its deps and the commit.
 */
export const STAGE_ENV = {
  /** The stage's name (`train`, or `train@lr-0.1` for a foreach item). */
  stage: 'PADDOCK_STAGE',
  /** Absolute path of the project root. */
  root: 'PADDOCK_ROOT',
  /** JSON `{ "<dep path>": { "md5": "…", "size": n, "nfiles"?: n } }`, or `@<file>` holding it. */
  deps: 'PADDOCK_STAGE_DEPS',
  /** JSON `{ "<params file>": { "<key>": value } }` as dvc.lock records them, or `@<file>`. */
  params: 'PADDOCK_STAGE_PARAMS',
  /** Full commit hash of HEAD (absent outside git). */
  gitCommit: 'PADDOCK_GIT_COMMIT',
  /** `true` when the work tree had uncommitted changes to tracked files. */
  gitDirty: 'PADDOCK_GIT_DIRTY',
} as const;

/** One dependency of the stage with its hash as computed for dvc.lock. */
export interface StageDep {
  readonly path: string;
  readonly md5: string;
  readonly size?: number;
  readonly nfiles?: number;
}

/** What a run learns from the stage it runs in. */
export interface ReproStageContext {
  readonly stage: string;
  readonly root?: string;
  readonly deps: readonly StageDep[];
  readonly params: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly git?: { readonly commit: string; readonly dirty: boolean };
}

/** The stage context from the environment, or undefined outside a `paddock repro` stage. */
export function readRunContext(env: NodeJS.ProcessEnv = process.env): ReproStageContext | undefined {
  const stage = env[STAGE_ENV.stage];
  if (!stage) return undefined;
  const root = env[STAGE_ENV.root];
  const deps = readJson(env, STAGE_ENV.deps, root) as Record<string, { md5?: string; size?: number; nfiles?: number }>;
  const commit = env[STAGE_ENV.gitCommit];
  return {
    stage,
    ...(root ? { root } : {}),
    deps: Object.entries(deps).filter(([, h]) => typeof h?.md5 === 'string').map(([p, h]) => ({
      path: p,
      md5: h.md5!,
      ...(typeof h.size === 'number' ? { size: h.size } : {}),
      ...(typeof h.nfiles === 'number' ? { nfiles: h.nfiles } : {}),
    })),
    params: readJson(env, STAGE_ENV.params, root) as Record<string, Record<string, unknown>>,
    ...(commit ? { git: { commit, dirty: env[STAGE_ENV.gitDirty] === 'true' } } : {}),
  };
}

function readJson(env: NodeJS.ProcessEnv, name: string, root: string | undefined): Record<string, unknown> {
  const raw = env[name];
  if (!raw) return {};
  try {
    const text = raw.startsWith('@') ? readFileSync(path.resolve(root ?? '.', raw.slice(1)), 'utf8') : raw;
    const value: unknown = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch (err) {
    fail('INVALID_ARGUMENT', `${name} is not valid JSON (it is set by \`paddock repro\`; unset it when running outside a stage)`, { variable: name }, err);
  }
  fail('INVALID_ARGUMENT', `${name} must be a JSON object`, { variable: name });
}

/** The tags a stage's run carries; `mlflow.source.git.commit` so MLflow's UI shows the commit. */
export function runContextTags(ctx: ReproStageContext): Tags {
  return {
    'paddock.stage': ctx.stage,
    ...(ctx.git
      ? { 'paddock.git.commit': ctx.git.commit, 'paddock.git.dirty': String(ctx.git.dirty), 'mlflow.source.git.commit': ctx.git.commit }
      : {}),
  };
}

/**
 * The stage's params as run params: keys of params.yaml as they are (`train.lr`), keys of other
 * files prefixed with the file (`config.json:train.lr`); a whole section listed in `params`
 * is flattened to dotted leaves, as DVCLive logs them.
 */
export function runContextParams(ctx: ReproStageContext): Param[] {
  const out: Param[] = [];
  for (const [file, values] of Object.entries(ctx.params)) {
    const prefix = file === 'params.yaml' ? '' : `${file}:`;
    for (const [key, value] of Object.entries(values)) flatten(`${prefix}${key}`, value, out);
  }
  return out;
}

function flatten(key: string, value: unknown, out: Param[]): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(`${key}.${k}`, v, out);
    return;
  }
  out.push({ key, value: paramValue(value) });
}

/** Params are strings in MLflow: strings as they are, everything else as JSON. */
export function paramValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '';
  return JSON.stringify(value);
}

/** The deps as run inputs: name and source the path, digest the dvc.lock md5, source type `dvc`. */
export function runContextInputs(ctx: ReproStageContext): DatasetInput[] {
  return ctx.deps.map((d) => ({
    name: d.path,
    digest: d.md5,
    sourceType: 'dvc',
    source: d.path,
    tags: { 'mlflow.data.context': ctx.stage },
  }));
}
