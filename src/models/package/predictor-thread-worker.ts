/**
 * The worker side of a predictor thread (predictor-thread.ts): reads the package at
 * `workerData.dir`, opens it, says `{ ready: true }` (or `{ failed }`), then answers each
 * `{ id, rows }` with `{ id, predictions }` or `{ id, error }` until `{ close: true }`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isPaddockError } from '../../core/errors.js';
import { readModelPackage } from './package-io.js';
import { openPredictor, type Predictor } from './predict.js';
import type { InputRow } from './preprocess.js';

type Request = { readonly id: number; readonly rows: readonly InputRow[] } | { readonly close: true };

const port = parentPort!;
const { dir } = workerData as { readonly dir: string };
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
if (predictor === undefined) port.close();
else {
  port.on('message', (request: Request) => {
    if ('close' in request) {
      void predictor.close().finally(() => port.close());
      return;
    }
    const { id, rows } = request;
    predictor.predict(rows).then(
      (predictions) => port.postMessage({ id, predictions }),
      (err: unknown) => port.postMessage({ id, error: message(err), ...(isPaddockError(err) && { code: err.code }) }),
    );
  });
  port.postMessage({ ready: true });
}
