/**
 * The retraining loop's composition: its store, the job handler (the pipeline runs in this
 * process, stage commands calling this same `paddock`), the queue `retraining.queue` names
 * (in-process or BullMQ on redis), and what the triggers need. `paddock retrain`, `worker`,
 * `serve` and `server` use it; they render its events.
 */
import {
  BullMqQueue, InProcessQueue, readDataVersions, lockedDataVersion, reproRunner, runRetraining, thisOwner,
  type BullMqSettings, type DataWatchDeps, type Retraining, type RetrainingDeps, type RetrainingHandler, type RetrainingQueue, type RetrainingStore,
} from './automation/index.js';
import { stageExecutor } from './app-stage-executor.js';
import { systemClock } from './core/clock.js';
import type { Config } from './core/config.js';
import type { Project } from './core/project.js';
import type { ReproEvent } from './pipeline/index.js';
import { DeploymentService } from './serving/index.js';
import { SqlDeploymentStore } from './storage/sql/deployments/sql-deployment-store.js';
import type { MetadataStore } from './storage/sql/open-metadata-store.js';
import { SqlRegistryStore } from './storage/sql/registry/sql-registry-store.js';
import { SqlRetrainingStore } from './storage/sql/retraining/sql-retraining-store.js';

/** The retraining loop wired for a command: stores, the job handler, the queue and the triggers' deps. */
export interface RetrainingContext {
  readonly project: Project;
  readonly store: RetrainingStore;
  readonly handler: RetrainingHandler;
  readonly queue: RetrainingQueue;
  /** What the triggers (retrain, the data and schedule poller, alerts) need. */
  readonly triggers: DataWatchDeps;
  readonly settings: BullMqSettings;
  close(): Promise<void>;
}

/** How a command wants the loop wired. */
export interface ContextOptions {
  /** The queue URI instead of retraining.queue. */
  readonly queue?: string;
  readonly onPipelineEvent?: (e: ReproEvent) => void;
  /** Whether the process is stopping (a pipeline cut short then goes back to the queue). */
  readonly stopping?: () => boolean;
  /** Each job this process ran, as it ends (started, for onStarted). */
  readonly onStarted?: (id: string) => void;
  readonly onFinished?: (r: Retraining) => void;
}

/** The BullMQ settings from paddock.yaml's retraining section, with the queue URI a flag may override. */
export function bullMqSettings(config: Config, queue?: string): BullMqSettings {
  const r = config.retraining;
  return { url: queue ?? r.queue, queueName: r.queue_name, attempts: r.attempts, backoffMs: r.backoff_seconds * 1000 };
}

/**
 * The same loop on a metadata store the caller already has open (`paddock server`, `paddock
 * serve`): close() closes the queue (an in-process one waits for its jobs), not the store.
 */
export async function retrainingContextOn(project: Project, metadata: MetadataStore, options: ContextOptions = {}): Promise<RetrainingContext> {
  const store = new SqlRetrainingStore(metadata);
  const registry = new SqlRegistryStore(metadata);
  const pipelines = project.config.retraining.pipelines;
  const deps: RetrainingDeps = {
    store, registry, pipelines, clock: systemClock, owner: thisOwner(),
    deployments: new DeploymentService({ deployments: new SqlDeploymentStore(metadata), registry }),
    runPipeline: reproRunner(project, stageExecutor(project.stateDir)),
    readDataVersions: (paths) => readDataVersions(project.root, paths),
    ...(options.onPipelineEvent ? { onPipelineEvent: options.onPipelineEvent } : {}),
    ...(options.stopping ? { stopping: options.stopping } : {}),
  };
  const handler: RetrainingHandler = async (job) => {
    options.onStarted?.(job.id);
    const r = await runRetraining(job, deps);
    options.onFinished?.(r);
    return r;
  };
  const settings = bullMqSettings(project.config, options.queue);
  const queue: RetrainingQueue = settings.url === 'in-process'
    ? new InProcessQueue(handler, async (job, err) => {
      // No queue retries an in-process job: its record says it failed, and why.
      project.logger.error({ err, retraining: job.id }, 'retraining job failed');
      await store.update(job.id, { status: 'failed', reason: `the job stopped with an error: ${err instanceof Error ? err.message : String(err)}`, finishedAt: Date.now() });
    })
    : await BullMqQueue.open(settings);
  const triggers: DataWatchDeps = {
    store, queue, pipelines, clock: systemClock,
    readDataVersions: deps.readDataVersions,
    lockedDataVersion: (p) => lockedDataVersion(project.root, p),
  };
  return {
    project, store, handler, queue, triggers, settings,
    close: () => queue.close(),
  };
}
