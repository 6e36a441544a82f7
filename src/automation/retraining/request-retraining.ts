import { randomBytes } from 'node:crypto';
import type { Clock } from '../../core/clock.js';
import { fail, isPaddockError } from '../../core/errors.js';
import { guardReason, guardWindowMs, thisOwner } from './guards.js';
import type { Retraining, RetrainingStore, RetrainingTrigger } from './retraining.js';
import type { RetrainingQueue } from './retraining-queue.js';
import type { RetrainingPipelineConfig } from './run-retraining.js';

/** What the triggers need to ask for a retraining. */
export interface RequestDeps {
  readonly store: RetrainingStore;
  readonly queue: RetrainingQueue;
  readonly pipelines: Readonly<Record<string, RetrainingPipelineConfig>>;
  readonly clock: Clock;
}

/** A request for a retraining of one pipeline. */
export interface RetrainingRequest {
  readonly pipeline: string;
  readonly trigger: RetrainingTrigger;
  /**
   * A deterministic id for a trigger that may be seen by several processes (a cron tick, a data
   * version, an alert): the second request with the same id finds the first one's record.
   */
  readonly id?: string;
  /** Reproduce every stage of the target even if unchanged. */
  readonly force?: boolean;
  /** Skip the interval and budget guards (a person asking on purpose; the record says so). */
  readonly ignoreGuards?: boolean;
}

/**
 * Records a retraining and queues it, unless a guard turns it away: then it is recorded as
 * `skipped` with the guard's reason and not queued. Every trigger (by hand, data, alert,
 * schedule) comes through here. Returns the record (`queued` or `skipped`).
 */
export async function requestRetraining(request: RetrainingRequest, deps: RequestDeps): Promise<Retraining> {
  const config = deps.pipelines[request.pipeline];
  if (!config) {
    const known = Object.keys(deps.pipelines).join(', ') || 'none';
    fail('NOT_FOUND', `retraining pipeline '${request.pipeline}' is not in paddock.yaml's retraining.pipelines (known: ${known})`, { pipeline: request.pipeline });
  }
  const now = deps.clock.now().getTime();
  const id = request.id ?? newRetrainingId();
  const since = now - guardWindowMs(config);
  const recent = [
    ...await deps.store.list({ pipeline: request.pipeline, since }),
    ...await deps.store.list({ model: config.model, since }),
  ];
  const skip = request.ignoreGuards ? undefined : guardReason({ pipeline: request.pipeline, config, recent, now });
  const row: Retraining = {
    id, pipeline: request.pipeline, model: config.model, status: skip ? 'skipped' : 'queued', trigger: request.trigger,
    reason: skip ?? (request.ignoreGuards ? 'guards ignored on request' : ''), steps: [], dataVersions: {},
    // The in-process queue runs it here: if this process dies, the guards see it abandoned.
    ...(deps.queue.kind === 'in-process' ? { owner: thisOwner() } : {}),
    attempts: 0, createdAt: now, pipelineMs: 0,
  };
  try {
    await deps.store.create(row);
  } catch (err) {
    // The same trigger seen by another process (or a second time): one record, one job.
    if (isPaddockError(err, 'ALREADY_EXISTS') && request.id) return deps.store.get(id);
    throw err;
  }
  if (skip) return row;
  try {
    await deps.queue.add({ id, ...(request.force ? { force: true } : {}) });
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    await deps.store.update(id, { status: 'failed', reason: `could not queue the job: ${why}`, finishedAt: deps.clock.now().getTime() });
    throw err;
  }
  return row;
}

/** `rt-` and 12 random hex digits (no ':' — BullMQ job ids may not hold one). */
export function newRetrainingId(): string {
  return `rt-${randomBytes(6).toString('hex')}`;
}
