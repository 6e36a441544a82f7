import { checkDataVersions, checkSchedules, type DataWatchDeps } from './triggers.js';
import type { Retraining } from './retraining.js';

/**
 * Polls the data and schedule triggers every `pollMs` (run by `paddock worker --triggers`).
 * Several pollers may run against one store: the triggers' ids make each change or tick one
 * retraining. A poll that throws is reported and the next one goes on.
 */
export class TriggerPoller {
  private timer: NodeJS.Timeout | undefined;
  private since: Date;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly deps: DataWatchDeps,
    private readonly options: { pollMs: number; onRequested?: (r: Retraining) => void; onError?: (err: unknown) => void },
  ) {
    this.since = deps.clock.now();
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.running = this.running.then(async () => void await this.poll()).catch((err: unknown) => this.options.onError?.(err));
    }, this.options.pollMs);
  }

  /** One check of every trigger (also what each interval runs). */
  async poll(): Promise<Retraining[]> {
    const now = this.deps.clock.now();
    const requested = [...await checkDataVersions(this.deps), ...await checkSchedules(this.since, now, this.deps)];
    this.since = now;
    for (const r of requested) this.options.onRequested?.(r);
    return requested;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
