import { fail } from '../../core/errors.js';
import type { RetrainingHandler, RetrainingQueue } from './retraining-queue.js';
import type { RetrainingJob } from './run-retraining.js';

// The slice of BullMQ's API used here (declared, as Kysely does with drivers), so this file
// compiles whether or not the package is installed: it is loaded with a dynamic import.
interface BullConnection { host: string; port: number; db?: number; username?: string; password?: string; maxRetriesPerRequest: null }
interface BullJob { readonly id?: string; readonly data: RetrainingJob; readonly attemptsMade: number; readonly opts: { readonly attempts?: number } }
interface BullQueue {
  add(name: string, data: RetrainingJob, opts: { jobId: string; attempts: number; backoff: { type: 'exponential'; delay: number }; removeOnComplete: number; removeOnFail: number }): Promise<unknown>;
  close(): Promise<void>;
}
interface BullWorker {
  on(event: 'failed', fn: (job: BullJob | undefined, err: Error) => void): unknown;
  on(event: 'error', fn: (err: Error) => void): unknown;
  waitUntilReady(): Promise<unknown>;
  close(force?: boolean): Promise<void>;
}
interface BullModule {
  Queue: new (name: string, opts: { connection: BullConnection }) => BullQueue;
  Worker: new (name: string, processor: (job: BullJob) => Promise<unknown>, opts: {
    connection: BullConnection; concurrency: number; lockDuration: number; stalledInterval: number; maxStalledCount: number; autorun: boolean;
  }) => BullWorker;
}

/** Settings shared by the queue side and the worker side. */
export interface BullMqSettings {
  /** redis://[user:password@]host[:port][/db] */
  readonly url: string;
  readonly queueName: string;
  readonly attempts: number;
  readonly backoffMs: number;
}

/**
 * Loads BullMQ. A missing package is reported as what it is (the dependency must be installed),
 * not as an import crash; `probeBullMq` tells tests and `paddock worker` whether it is there.
 */
export async function loadBullMq(): Promise<BullModule> {
  const name = 'bullmq'; // a variable: the compiler must not require the package's types
  try {
    return (await import(name)) as BullModule;
  } catch (err) {
    return fail('CONFIG_INVALID', `retraining.queue is a Redis URL, which needs the bullmq package: install it (npm install bullmq) or set retraining.queue: in-process (${err instanceof Error ? err.message : String(err)})`, { key: 'retraining.queue' });
  }
}

/** Whether `import('bullmq')` works here. */
export async function probeBullMq(): Promise<boolean> {
  try {
    await loadBullMq();
    return true;
  } catch {
    return false;
  }
}

/** ioredis connection options from a redis:// URL (maxRetriesPerRequest null, as BullMQ workers require). */
export function redisConnection(url: string): BullConnection {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return fail('CONFIG_INVALID', `retraining.queue '${url}' is not a URL: use in-process or redis://host:port`, { key: 'retraining.queue' });
  }
  if (u.protocol !== 'redis:') fail('CONFIG_INVALID', `retraining.queue '${url}': use in-process or redis://host:port[/db]`, { key: 'retraining.queue' });
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : undefined;
  if (db !== undefined && !Number.isInteger(db)) fail('CONFIG_INVALID', `retraining.queue '${url}': the path is the database number, e.g. redis://127.0.0.1:6379/0`, { key: 'retraining.queue' });
  return {
    host: u.hostname || '127.0.0.1', port: u.port ? Number(u.port) : 6379, maxRetriesPerRequest: null,
    ...(db !== undefined ? { db } : {}),
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
  };
}

/**
 * Retraining jobs on a BullMQ queue in Redis. A job's BullMQ id is the retraining id, so a
 * retraining queued twice is one job; a job that throws (or whose worker dies: BullMQ's stalled
 * job check) is retried up to `attempts` times with exponential backoff.
 */
export class BullMqQueue implements RetrainingQueue {
  readonly kind = 'redis' as const;

  private constructor(private readonly queue: BullQueue, private readonly settings: BullMqSettings) {}

  static async open(settings: BullMqSettings): Promise<BullMqQueue> {
    const { Queue } = await loadBullMq();
    return new BullMqQueue(new Queue(settings.queueName, { connection: redisConnection(settings.url) }), settings);
  }

  async add(job: RetrainingJob): Promise<void> {
    await this.queue.add('retrain', job, {
      jobId: job.id,
      attempts: this.settings.attempts,
      backoff: { type: 'exponential', delay: this.settings.backoffMs },
      removeOnComplete: 1000,
      removeOnFail: 1000,
    });
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}

/** A running BullMQ worker. */
export interface RetrainingWorker {
  /** Stops taking jobs; waits for the current one unless `abandon` (then BullMQ retries it). */
  close(abandon?: boolean): Promise<void>;
}

/**
 * Starts a worker taking retraining jobs from the queue, `concurrency` at a time. Its hold on a
 * job lasts `lockMs` and is renewed while it works; a killed worker stops renewing, BullMQ's
 * stalled-job check (every lockMs / 2) puts the job back, and another worker retries it.
 */
export async function startBullMqWorker(settings: BullMqSettings, handler: RetrainingHandler, options: {
  concurrency: number;
  lockMs: number;
  /** An attempt failed; `final` when the queue will not retry it (attempts used up, or stalled too often). */
  onFailed?: (jobId: string, err: Error, final: boolean) => void;
  onError?: (err: Error) => void;
}): Promise<RetrainingWorker> {
  const { Worker } = await loadBullMq();
  const worker = new Worker(settings.queueName, async (job) => handler(job.data), {
    connection: redisConnection(settings.url),
    concurrency: options.concurrency,
    lockDuration: options.lockMs,
    stalledInterval: Math.max(1000, Math.floor(options.lockMs / 2)),
    // A job whose worker died twice is given up on (and reported) rather than retried forever.
    maxStalledCount: 2,
    autorun: true,
  });
  worker.on('failed', (job, err) => {
    const final = !job || job.attemptsMade >= (job.opts.attempts ?? 1) || /stalled/i.test(err.message);
    options.onFailed?.(job?.data.id ?? job?.id ?? '?', err, final);
  });
  worker.on('error', (err) => options.onError?.(err));
  await worker.waitUntilReady();
  return { close: (abandon = false) => worker.close(abandon) };
}
