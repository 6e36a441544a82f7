/**
 * A predictor whose model runs on a worker thread, with its own copy of the package: for
 * predictions nobody waits on (a deployment's shadows), so that they never hold the thread that
 * answers requests. onnxruntime-node runs a model synchronously on the calling thread (behind a
 * setImmediate), so a shadow of a heavy model on the serving thread takes its time from every
 * request after it; even a tree model's few µs a row came out of the primary's p50 there.
 * Rows cross as their signature values (a row's keys are not cloned with every row), predictions
 * by structured clone; errors by message and code.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { PaddockError, type ErrorCode } from '../../core/errors.js';
import type { ModelPackage } from './package-io.js';
import type { Predictor, PredictionRow } from './predict.js';
import type { InputRow } from './preprocess.js';
import { rowReaderOf } from './row-code.js';

/** The answer to one `{ id, rows }` request. */
type Answer = { readonly id: number; readonly predictions: PredictionRow[] } | { readonly id: number; readonly error: string; readonly code?: ErrorCode };
type Reply = { readonly ready: true } | { readonly failed: string } | Answer;
/**
 * What the thread is asked: rows as their signature values (`count` rows of the signature's
 * columns, in order: the thread makes the rows again), or whole; or to close.
 */
export type Request = { readonly id: number; readonly values: readonly unknown[]; readonly count: number } | { readonly id: number; readonly rows: readonly InputRow[] } | { readonly close: true };

interface Waiting {
  resolve(predictions: PredictionRow[]): void;
  reject(err: Error): void;
}

/**
 * The thread's nice value (Linux): the lowest, as the prediction log's writer. Nobody waits on a
 * shadow, and on a machine whose cores are busy its model's time came out of the primary's.
 */
const SHADOW_NICE = 19;

/** How long close() waits for the thread to close its model before terminating it. */
const CLOSE_GRACE_MS = 2000;

/** Starts the thread and resolves once it has opened the package at `pkg.dir`; rejects with why it could not. */
export async function openPredictorThread(pkg: ModelPackage): Promise<Predictor> {
  const entry = workerEntry();
  const worker = new Worker(entry.script, { workerData: { dir: pkg.dir, nice: SHADOW_NICE }, eval: entry.eval });
  // An idle thread does not keep the process alive; close() ends it.
  worker.unref();
  const waiting = new Map<number, Waiting>();
  let nextId = 0;
  let ended: Error | undefined;
  const width = pkg.manifest.signature.inputs.length;
  const read = rowReaderOf(pkg.manifest);
  /** The rows' signature values, row after row (what the thread makes its rows from); undefined when a row lacks a column (it then crosses whole, and fails there as here). */
  const valuesOf = (rows: readonly InputRow[]): unknown[] | undefined => {
    // Filled in order from empty, the array stays packed: a holey one (new Array(n)) is cloned
    // element by element with its indices, which cost more than the row objects did.
    const values: unknown[] = [];
    for (let i = 0; i < rows.length; i++) if (!read(rows[i]!, values, i * width)) return undefined;
    return values;
  };
  const end = (err: Error): void => {
    ended ??= err;
    for (const w of waiting.values()) w.reject(ended);
    waiting.clear();
  };
  const answered = (m: Answer): void => {
    const w = waiting.get(m.id);
    if (w === undefined) return;
    waiting.delete(m.id);
    if ('error' in m) w.reject(m.code ? new PaddockError(m.code, m.error) : new Error(m.error));
    else w.resolve(m.predictions);
  };
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    worker.on('message', (m: Reply) => {
      if ('ready' in m) resolve();
      else if ('failed' in m) reject(new PaddockError('MODEL_NOT_READY', `${pkg.dir}: the predictor thread could not open the model: ${m.failed}`, { path: pkg.dir }));
      else answered(m);
    });
    worker.on('error', (err) => {
      reject(err);
      end(err);
    });
    worker.on('exit', (code) => {
      const err = new PaddockError('MODEL_NOT_READY', `${pkg.dir}: the predictor thread has stopped (exit code ${code})`, { path: pkg.dir });
      reject(err);
      end(err);
    });
  });
  return {
    pkg,
    predict(rows: readonly InputRow[]): Promise<PredictionRow[]> {
      if (ended) return Promise.reject(ended);
      const id = nextId++;
      const values = valuesOf(rows);
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        worker.postMessage(values ? ({ id, values, count: rows.length } satisfies Request) : ({ id, rows } satisfies Request));
      });
    },
    async close(): Promise<void> {
      if (ended) return;
      end(new PaddockError('MODEL_NOT_READY', `${pkg.dir}: the predictor thread is closed`, { path: pkg.dir }));
      worker.postMessage({ close: true });
      const timer = setTimeout(() => void worker.terminate(), CLOSE_GRACE_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * The worker's file beside this one: compiled (dist/, and the bundled CLI's own
 * dist/predictor-thread-worker.js, see scripts/bundle-cli.js), or the TypeScript source under the
 * test runner, imported through tsx's API (a worker's execArgv takes no `--import`).
 */
function workerEntry(): { readonly script: URL | string; readonly eval: boolean } {
  const compiled = new URL('./predictor-thread-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(compiled))) return { script: compiled, eval: false };
  const source = new URL('./predictor-thread-worker.ts', import.meta.url).href;
  // tsx's ESM entry (its CommonJS one cannot find its own ESM part when imported this way).
  const tsx = pathToFileURL(path.join(path.dirname(createRequire(import.meta.url).resolve('tsx/esm/api')), 'index.mjs')).href;
  return { script: `import(${JSON.stringify(tsx)}).then((tsx) => tsx.tsImport(${JSON.stringify(source)}, ${JSON.stringify(source)}))`, eval: true };
}
