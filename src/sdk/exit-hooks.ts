import { constants } from 'node:os';
import type { RunStatus } from '../tracking/index.js';

/** What the hooks need of an open run. */
export interface EndableRun {
  end(status?: RunStatus): Promise<void>;
}

const open = new Set<EndableRun>();
let installed = false;

/**
 * Ends the runs a script left open, as MLflow's fluent API does at exit: FINISHED when the
 * event loop drains (`beforeExit`), FAILED on an uncaught exception, KILLED on SIGINT/SIGTERM
 * (a stopped `paddock repro` sends SIGTERM to the stage). Points still buffered are flushed
 * first. The listeners exist only while a run is open, so the process behaves as usual otherwise.
 */
export function trackOpenRun(run: EndableRun): () => void {
  open.add(run);
  if (!installed) install();
  return () => {
    open.delete(run);
    if (open.size === 0) uninstall();
  };
}

async function endAll(status: RunStatus): Promise<void> {
  await Promise.allSettled([...open].map((r) => r.end(status)));
}

function onBeforeExit(): void {
  void endAll('FINISHED');
}

function onUncaught(err: unknown): void {
  // Other listeners decide what happens to the process; alone, we do what Node would do.
  const alone = process.listenerCount('uncaughtException') === 1;
  if (alone) process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  void endAll('FAILED').finally(() => {
    if (alone) process.exit(1);
  });
}

function onSignal(sig: NodeJS.Signals): void {
  const alone = process.listenerCount(sig) === 1;
  void endAll('KILLED').finally(() => {
    if (!alone) return;
    uninstall();
    process.exitCode = 128 + (constants.signals[sig] ?? 0);
    process.kill(process.pid, sig); // the default action now that our listener is gone
  });
}

function install(): void {
  installed = true;
  process.on('beforeExit', onBeforeExit);
  process.on('uncaughtException', onUncaught);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  process.off('beforeExit', onBeforeExit);
  process.off('uncaughtException', onUncaught);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
}
