/**
 * The serving capability's ports: how a served model is found (the composition root resolves
 * `models:/…` URIs and package directories), and what a request handler borrows from the pool.
 */
import type { InputRow, ModelManifest, ModelPackage, PredictionRow } from '../models/index.js';

/** Resolves a model reference (`models:/name@alias`, `models:/name/3`, or a package directory). */
export interface PackageResolver {
  resolve(ref: string): Promise<{ readonly pkg: ModelPackage; /** Registry version, when the ref is a models:/ URI. */ readonly version?: string }>;
}

/** What the server knows of one loaded model version. */
export interface ServedModelInfo {
  /** The name clients use in URLs (`/v2/models/{name}`). */
  readonly name: string;
  /** What it was loaded from (`models:/flights@champion`, a directory). */
  readonly ref: string;
  /** The registry version, or `1` for a package directory. */
  readonly version: string;
  readonly ready: boolean;
  readonly manifest: ModelManifest;
  readonly loadedAt: number;
}

/**
 * A loaded model borrowed for one request. The pool does not close a model version while a lease
 * on it is open, so a hot swap never fails a request in flight; `release` exactly once.
 */
export interface ModelLease {
  readonly info: ServedModelInfo;
  predict(rows: readonly InputRow[]): Promise<PredictionRow[]>;
  /** The predictions now, when the model can answer these rows synchronously; else undefined: call `predict`. */
  predictNow?(rows: readonly InputRow[]): PredictionRow[] | undefined;
  /**
   * The predictions computed off the serving thread (a worker thread with its own copy of the
   * model), for answers nobody waits on: shadows. Slower to come back than `predict`.
   */
  predictOffThread?(rows: readonly InputRow[]): Promise<PredictionRow[]>;
  release(): void;
}
