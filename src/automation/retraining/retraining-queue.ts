import type { Retraining } from './retraining.js';
import type { RetrainingJob } from './run-retraining.js';

/**
 * Where retraining jobs wait for a worker. Adapters: InProcessQueue (the default: jobs run in
 * this process, one at a time) and BullMqQueue (redis://…: `paddock worker` processes on any
 * machine take them, a crashed worker's job is retried).
 */
export interface RetrainingQueue {
  readonly kind: 'in-process' | 'redis';
  /** Queues a recorded retraining; a job id already queued is not queued twice. */
  add(job: RetrainingJob): Promise<void>;
  close(): Promise<void>;
}

/** What a worker does with a job (runRetraining with its deps). Throwing makes the queue retry it. */
export type RetrainingHandler = (job: RetrainingJob) => Promise<Retraining>;
