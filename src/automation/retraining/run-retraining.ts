import type { Clock } from '../../core/clock.js';
import type { Config } from '../../core/config.js';
import { fail } from '../../core/errors.js';
import type { ModelVersion, RegistryStore } from '../../registry/index.js';
import type { ReproEvent } from '../../pipeline/index.js';
import { adoptChallenger, findJobVersion } from './job-version.js';
import type { PipelineRunner } from './pipeline-runner.js';
import { RETRAINING_ACTOR, RETRAINING_JOB_ENV, type Retraining, type RetrainingStep, type RetrainingStepName, type RetrainingStore } from './retraining.js';
import { startCanary, type CanaryDeployments } from './start-canary.js';

/** A retraining pipeline's settings from paddock.yaml. */
export type RetrainingPipelineConfig = Config['retraining']['pipelines'][string];

/** What a queue hands a worker: the id of a recorded retraining. */
export interface RetrainingJob {
  readonly id: string;
  /** Run every stage of the target even if dvc.lock says it is up to date. */
  readonly force?: boolean;
}

/** The ports a retraining uses. */
export interface RetrainingDeps {
  readonly store: RetrainingStore;
  readonly registry: RegistryStore;
  /** Needed when the pipeline names a deployment. */
  readonly deployments?: CanaryDeployments;
  readonly runPipeline: PipelineRunner;
  /** Tracked path → md5 of its current version (from its .dvc pointer file). */
  readDataVersions(paths: readonly string[]): Promise<Record<string, string>>;
  readonly pipelines: Readonly<Record<string, RetrainingPipelineConfig>>;
  readonly clock: Clock;
  /** This process, `host:pid`. */
  readonly owner: string;
  readonly onPipelineEvent?: (event: ReproEvent) => void;
  /** Whether this process is stopping (SIGTERM): a pipeline cut short then is retried by the queue, not failed. */
  readonly stopping?: () => boolean;
}

/**
 * Runs one recorded retraining: reproduce the pipeline's target (its evaluate stage gates the
 * challenger against the champion), find the challenger it registered, start the canary. Every
 * step is written to the retraining's row as it ends; any failure stops the job with the champion
 * still serving, and the row says which step failed and why.
 *
 * Safe to run again for the same id (a worker killed mid-job, the job retried): a finished
 * retraining is returned as it is, registration is keyed on the job id (the version tagged
 * `paddock.retraining_job=<id>` is reused, not registered again), and a canary of that version
 * already in the deployment is not started twice.
 */
export async function runRetraining(job: RetrainingJob, deps: RetrainingDeps): Promise<Retraining> {
  const row = await deps.store.get(job.id);
  if (row.status === 'succeeded' || row.status === 'failed' || row.status === 'skipped') return row;
  const pipeline = deps.pipelines[row.pipeline];
  if (!pipeline) return finish(deps, row, [], 'failed', `pipeline '${row.pipeline}' is no longer in paddock.yaml's retraining.pipelines`);
  const started = row.startedAt ?? now(deps);
  const dataVersions = await deps.readDataVersions(pipeline.triggers.data);
  let current = await deps.store.update(row.id, { status: 'running', owner: deps.owner, attempts: row.attempts + 1, startedAt: started, dataVersions, reason: '' });
  const steps: RetrainingStep[] = [];
  const record = async (step: RetrainingStep, patch: Partial<Pick<Retraining, 'version' | 'pipelineMs'>> = {}) => {
    steps.push(step);
    current = await deps.store.update(row.id, { steps: [...steps], ...patch });
  };

  // 1. The pipeline, unless an earlier attempt of this job already registered its version.
  let version = await findJobVersion(deps.registry, pipeline.model, row.id);
  const t0 = now(deps);
  if (version) {
    await record(step('pipeline', 'skipped', t0, deps, `an earlier attempt of this job already registered version ${version.version}`));
  } else {
    const run = await deps.runPipeline({ target: pipeline.target, force: job.force ?? false, env: { [RETRAINING_JOB_ENV]: row.id }, ...(deps.onPipelineEvent ? { onEvent: deps.onPipelineEvent } : {}) });
    const ran = run.stages.filter((s) => s.result === 'ran' || s.result === 'restored').map((s) => s.name);
    const pipelineMs = current.pipelineMs + (now(deps) - t0);
    if (!run.ok && deps.stopping?.()) {
      await deps.store.update(row.id, { status: 'queued', reason: 'interrupted: the worker stopped mid-pipeline; the queue retries the job', pipelineMs });
      throw new Error(`retraining ${row.id} interrupted: the worker is stopping`);
    }
    if (!run.ok) {
      const why = run.error ?? 'see the stage logs';
      await record(step('pipeline', 'failed', t0, deps, why), { pipelineMs });
      const at = run.failedStage ? ` at stage '${run.failedStage}'` : '';
      return finish(deps, current, steps, 'failed', `the pipeline failed${at}, so no challenger was registered and the champion keeps serving: ${why}`);
    }
    await record(step('pipeline', 'ok', t0, deps, ran.length ? `ran ${ran.join(', ')}` : 'every stage was up to date'), { pipelineMs });
    version = await findJobVersion(deps.registry, pipeline.model, row.id) ?? await adoptChallenger(deps.registry, pipeline.model, row.id, started);
    if (!version) {
      return finish(deps, current, steps, 'skipped', `the pipeline registered no new version of ${pipeline.model} (its stages were up to date: nothing changed since the last run; \`paddock retrain ${row.pipeline} --force\` runs them anyway)`);
    }
  }

  // 2. The challenger: the version, with the alias a crash may have left unset.
  const t1 = now(deps);
  version = await ensureChallengerAlias(deps.registry, version, row.id);
  await record(step('challenger', 'ok', t1, deps, `${pipeline.model} version ${version.version} is the challenger`), { version: version.version });

  // 3. The gates: the pipeline's evaluate stage ran them against the champion before register ran.
  await record(step('gates', 'ok', now(deps), deps, `passed: the evaluation gates against the champion ran before version ${version.version} was registered (a failed gate fails the pipeline)`));

  // 4. The canary.
  if (!pipeline.deployment) {
    await record(step('canary', 'skipped', now(deps), deps, 'no deployment configured: the retraining stops at the challenger'));
    return finish(deps, current, steps, 'succeeded', '');
  }
  if (!deps.deployments) fail('INVALID_ARGUMENT', `retraining.pipelines.${row.pipeline}.deployment is set but no deployment service was given`, { pipeline: row.pipeline });
  const t3 = now(deps);
  try {
    const detail = await startCanary(deps.deployments, { deployment: pipeline.deployment, version: version.version, canary: pipeline.canary, jobId: row.id });
    await record(step('canary', 'ok', t3, deps, detail));
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    await record(step('canary', 'failed', t3, deps, why));
    return finish(deps, current, steps, 'failed', `the canary of version ${version.version} could not start, so the champion keeps serving: ${why}`);
  }
  return finish(deps, current, steps, 'succeeded', '');
}

async function ensureChallengerAlias(registry: RegistryStore, version: ModelVersion, jobId: string): Promise<ModelVersion> {
  if (version.aliases.includes('challenger')) return version;
  await registry.setAlias(version.name, 'challenger', version.version, { actor: RETRAINING_ACTOR, reason: `challenger from retraining ${jobId}` });
  return registry.getVersion(version.name, version.version);
}

function step(name: RetrainingStepName, status: RetrainingStep['status'], startedAt: number, deps: RetrainingDeps, detail: string): RetrainingStep {
  return { name, status, detail, startedAt, durationMs: now(deps) - startedAt };
}

async function finish(deps: RetrainingDeps, row: Retraining, steps: readonly RetrainingStep[], status: Retraining['status'], reason: string): Promise<Retraining> {
  return deps.store.update(row.id, { status, reason, steps: [...steps], finishedAt: now(deps) });
}

function now(deps: RetrainingDeps): number {
  return deps.clock.now().getTime();
}
