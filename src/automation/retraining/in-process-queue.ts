import type { RetrainingHandler, RetrainingQueue } from './retraining-queue.js';
import type { RetrainingJob } from './run-retraining.js';

/**
 * The embedded queue: jobs run in this process, one at a time, in the order they came. Nothing
 * survives the process: a job cut short by an exit stays `running` in the store with its dead
 * owner, which the guards recognise (isAbandonedHere) so the pipeline is not blocked.
 */
export class InProcessQueue implements RetrainingQueue {
  readonly kind = 'in-process' as const;
  private tail: Promise<void> = Promise.resolve();
  private readonly queued = new Set<string>();
  private closed = false;

  /** @param onError a job that threw (its failure is recorded in the store by the handler when it can be) */
  constructor(private readonly handler: RetrainingHandler, private readonly onError: (job: RetrainingJob, err: unknown) => void | Promise<void> = () => undefined) {}

  async add(job: RetrainingJob): Promise<void> {
    if (this.closed) throw new Error('the retraining queue is closed');
    if (this.queued.has(job.id)) return;
    this.queued.add(job.id);
    this.tail = this.tail.then(async () => {
      try {
        await this.handler(job);
      } catch (err) {
        await Promise.resolve(this.onError(job, err)).catch(() => undefined);
      } finally {
        this.queued.delete(job.id);
      }
    });
  }

  /** Resolves when every job added so far has finished. */
  idle(): Promise<void> {
    return this.tail;
  }

  /** Stops taking jobs and waits for those already queued. */
  async close(): Promise<void> {
    this.closed = true;
    await this.tail;
  }
}
