/**
 * The worker side of a predictor thread (predictor-thread.ts): reads the package at
 * `workerData.dir`, opens it, says `{ ready: true }` (or `{ failed }`), then answers each
 * `{ id, values, count }` (rows as their signature values) or `{ id, rows }` with
 * `{ id, predictions }` or `{ id, error }` until `{ close: true }`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isPaddockError } from '../../core/errors.js';
import { lowerThreadPriority } from '../../core/thread-priority.js';
import { readModelPackage } from './package-io.js';
import { openPredictor, type Predictor } from './predict.js';
import type { ModelManifest } from './manifest.js';
import type { InputRow } from './preprocess.js';
import type { Request } from './predictor-thread.js';
import { rowMakerOf } from './row-code.js';

const port = parentPort!;
const { dir, nice } = workerData as { readonly dir: string; readonly nice?: number };
if (nice !== undefined) lowerThreadPriority(nice);
const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** The opened predictor, or undefined once the failure is told. */
async function open(): Promise<Predictor | undefined> {
  try {
    return await openPredictor(await readModelPackage(dir));
  } catch (err) {
    port.postMessage({ failed: message(err) });
    return undefined;
  }
}

const predictor = await open();

/** The rows again from their signature values (`count` rows of the manifest's inputs, in order). */
function rowsOf(manifest: ModelManifest, values: readonly unknown[], count: number): InputRow[] {
  const make = rowMakerOf(manifest);
  const width = manifest.signature.inputs.length;
  const rows = new Array<InputRow>(count);
  for (let i = 0; i < count; i++) rows[i] = make(values, i * width);
  return rows;
}

if (predictor === undefined) port.close();
else {
  port.on('message', (request: Request) => {
    if ('close' in request) {
      void predictor.close().finally(() => port.close());
      return;
    }
    const { id } = request;
    predictor.predict('rows' in request ? request.rows : rowsOf(predictor.pkg.manifest, request.values, request.count)).then(
      (predictions) => port.postMessage({ id, predictions }),
      (err: unknown) => port.postMessage({ id, error: message(err), ...(isPaddockError(err) && { code: err.code }) }),
    );
  });
  port.postMessage({ ready: true });
}
