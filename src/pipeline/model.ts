/**
 * The pipeline model every part of src/pipeline shares: stages after `${}` templating and
 * foreach/matrix expansion, with paths as written (relative to the stage's wdir).
 */

/** One output of a stage (`outs`, `metrics` or `plots`). */
export interface OutSpec {
  /** As written in dvc.yaml, relative to the stage's wdir. */
  readonly path: string;
  readonly kind: 'outs' | 'metrics' | 'plots';
  /** Stored in the cache (default true for outs and plots, true for metrics too as DVC does). */
  readonly cache: boolean;
  /** Kept (not removed) before the command runs. */
  readonly persist: boolean;
  readonly push: boolean;
  readonly remote?: string;
  readonly desc?: string;
  /** Plot options (x, y, template, title…) for plots outputs. */
  readonly plot?: Readonly<Record<string, unknown>>;
}

/** A `params` entry: keys of a params file, or the whole file (`keys: null`). */
export interface ParamSpec {
  /** Params file, relative to wdir (default params.yaml). */
  readonly file: string;
  readonly keys: readonly string[] | null;
}

/** A runnable stage. */
export interface Stage {
  /** Name as DVC names it: `train`, `build@us`, `train@0.1-adam` (matrix). */
  readonly name: string;
  /** Absolute path of the dvc.yaml that defines it. */
  readonly file: string;
  /** Absolute working directory. */
  readonly wdir: string;
  /** The command as written after templating: one string or a list run in order. */
  readonly cmd: string | readonly string[];
  /** Dependency paths as written, relative to wdir. */
  readonly deps: readonly string[];
  readonly params: readonly ParamSpec[];
  readonly outs: readonly OutSpec[];
  readonly frozen: boolean;
  readonly alwaysChanged: boolean;
  readonly desc?: string;
  readonly meta?: unknown;
}

/**
 * A top-level `metrics:` or `plots:` declaration of a dvc.yaml (not produced by a stage).
 * `path` is absolute; for a plot whose id is not a file, `id` is the name and the data files
 * are the keys of `props.y`.
 */
export interface TopLevelDeclaration {
  /** Absolute path of the dvc.yaml that declares it. */
  readonly file: string;
  /** The id as written (a path relative to the dvc.yaml folder, or a plot name). */
  readonly id: string;
  /** Absolute path when the id names a file. */
  readonly path: string;
  /** Plot options (x, y, template, title…); empty for metrics. */
  readonly props: Readonly<Record<string, unknown>>;
}

/** The stages of a repository, in definition order. */
export interface Pipeline {
  readonly stages: readonly Stage[];
  /** Absolute repository root the pipeline was loaded from (set by loadPipeline). */
  readonly root?: string;
  /** Absolute paths of every dvc.yaml read, in load order (set by loadPipeline). */
  readonly files?: readonly string[];
  /** Top-level `metrics:` declarations (set by loadPipeline). */
  readonly metrics?: readonly TopLevelDeclaration[];
  /** Top-level `plots:` declarations (set by loadPipeline). */
  readonly plots?: readonly TopLevelDeclaration[];
  /** Top-level `params:` files, absolute (set by loadPipeline). */
  readonly paramsFiles?: readonly string[];
}

/** A dependency or output as recorded in dvc.lock (schema 2.0). */
export interface LockEntry {
  readonly path: string;
  readonly hash: 'md5';
  readonly md5: string;
  readonly size: number;
  readonly nfiles?: number;
}

/** A stage's entry in dvc.lock. */
export interface LockStage {
  readonly cmd: string | readonly string[];
  readonly deps?: readonly LockEntry[];
  /** params file → key → value */
  readonly params?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly outs?: readonly LockEntry[];
}
