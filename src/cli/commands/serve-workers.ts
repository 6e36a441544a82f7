/**
 * `paddock serve --workers N`: N processes answering on one port (Node's cluster module hands
 * connections to the workers), for machines with more cores than one process can use. Each
 * worker loads the models itself (the server is stateless); only worker 1 runs the canary
 * analysis and prints, so decisions are made once and the output is not repeated N times. The
 * primary relays between the workers (serve-cluster.ts): /metrics on any worker answers the sum
 * over all of them, and the other workers' request outcomes reach worker 1's canary analysis.
 */
import cluster, { type Worker } from 'node:cluster';
import { relayClusterMessages } from './serve-cluster.js';

const WORKER_ENV = 'PADDOCK_SERVE_WORKER';

/** Which worker this process is (1…N), or undefined outside a cluster. */
export function workerIndex(): number | undefined {
  const v = process.env[WORKER_ENV];
  return cluster.isWorker && v ? Number(v) : undefined;
}

/**
 * In the primary: forks n workers running this same command, forwards SIGINT and SIGTERM to
 * them, and resolves with the exit code once all have exited (1 if any failed; one failing
 * worker stops the others, since a half-up server is worse than none).
 */
export function runWorkers(n: number, warn: (text: string) => void): Promise<number> {
  const numbers = new WeakMap<Worker, number>();
  // Structured clone keeps what JSON would not (NaN deltas in shadow records) and is cheaper for batches.
  cluster.setupPrimary({ serialization: 'advanced' });
  const stopRelay = relayClusterMessages({ numberOf: (w) => numbers.get(w) ?? 0, analyser: 1 });
  return new Promise((resolve) => {
    let alive = n;
    let failed = false;
    const stop = (signal: NodeJS.Signals) => {
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill(signal);
    };
    const onSignal = (signal: NodeJS.Signals) => stop(signal);
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    cluster.on('exit', (_worker, code, signal) => {
      alive--;
      if (code !== 0 && signal === null && !failed) {
        failed = true;
        stop('SIGTERM');
      }
      if (alive === 0) {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        stopRelay();
        if (failed) warn('a worker failed: see its error above');
        resolve(failed ? 1 : 0);
      }
    });
    for (let i = 1; i <= n; i++) numbers.set(cluster.fork({ [WORKER_ENV]: String(i) }), i);
  });
}
