import { fail, PaddockError } from '../../core/errors.js';
import type { Project } from '../../core/project.js';
import { withRepoLock } from '../../core/repo-lock.js';
import { listTrackedPaths } from '../../data/index.js';
import { buildDag } from '../dag/build-dag.js';
import { loadPipeline } from '../definition/load-pipeline.js';
import type { Executor } from '../executor/executor.js';
import { ShellExecutor, wasInterrupted } from '../executor/shell-executor.js';
import { LockStore } from '../lock/lock-store.js';
import { cachedParamsReader } from '../status/params-reader.js';
import { addressingOf } from '../status/stage-status.js';
import type { ReproEvent, StageOutcome } from './events.js';
import { checkDependencies, planStages } from './plan.js';
import { reproduceStage, type StageRunContext } from './run-stage.js';
import { runSchedule } from './scheduler.js';

/** Options of `paddock repro` (DVC's names). */
export interface ReproOptions {
  /** Stage names, `dir/dvc.yaml:name` or foreach/matrix group names; all stages when empty. */
  readonly targets?: readonly string[];
  /** Run every planned stage even if unchanged (frozen stages are still not run, as in DVC). */
  readonly force?: boolean;
  /** Report what would run; change nothing. */
  readonly dry?: boolean;
  /** Targets and their downstream stages instead of their upstream. */
  readonly downstream?: boolean;
  /** After a failure, go on with the stages that do not depend on it. */
  readonly keepGoing?: boolean;
  /** Stages run at once (default config pipeline.jobs). */
  readonly jobs?: number;
  /** Only the targets, not their upstream. */
  readonly single?: boolean;
  /** Restore from the run cache (default config pipeline.run_cache; false = `--no-run-cache`). */
  readonly runCache?: boolean;
  /** Progress and stage output, for the CLI. */
  readonly onEvent?: (event: ReproEvent) => void;
  /** The executor port (default: the in-process ShellExecutor). */
  readonly executor?: Executor;
}

/** What a repro did, stage by stage, in plan order. */
export interface ReproResult {
  readonly stages: readonly StageOutcome[];
  readonly dry: boolean;
}

/**
 * `paddock repro`: loads dvc.yaml, builds the DAG (with the .dvc-tracked paths), and runs the
 * invalidated stages in topological order, independent ones in parallel up to `jobs`, under
 * the repository lock. dvc.lock is written after each stage. A missing dependency that no
 * planned stage produces fails with DEPENDENCY_MISSING before anything runs. When a stage
 * fails, the result is thrown as STAGE_FAILED (details.result holds the ReproResult).
 */
export async function repro(project: Project, options: ReproOptions = {}): Promise<ReproResult> {
  const work = async (): Promise<ReproResult> => {
    const pipeline = await loadPipeline(project);
    const dag = buildDag(pipeline, { trackedPaths: await listTrackedPaths(project) });
    const plan = planStages(dag, project.root, options);
    checkDependencies(dag, plan);
    const locks = await LockStore.open(new Set(plan.map((p) => p.stage.file)), project.stateDir);
    const index = new Map(plan.map((p, i) => [p.stage.name, i]));
    const configRunCache = project.config.pipeline.run_cache;
    const ctx: StageRunContext = {
      project,
      locks,
      executor: options.executor ?? new ShellExecutor(),
      readParams: cachedParamsReader(project),
      force: options.force ?? false,
      dry: options.dry ?? false,
      restoreFromRunCache: (options.runCache ?? true) && configRunCache,
      saveToRunCache: configRunCache,
      emit: options.onEvent ?? (() => undefined),
      position: (name) => ({ index: index.get(name)! + 1, total: plan.length }),
    };
    let finished = 0;
    const jobs = options.jobs ?? project.config.pipeline.jobs;
    const { outcomes, errors } = await runSchedule(plan, { jobs, keepGoing: options.keepGoing ?? false, shouldStop: wasInterrupted, addressing: (step) => addressingOf(project, step.stage) }, async (step, upstreamWouldRun) => {
      const outcome = await reproduceStage(ctx, step.stage, upstreamWouldRun);
      ctx.emit({ type: 'end', outcome, done: ++finished, total: plan.length });
      return outcome;
    });
    const result: ReproResult = { stages: outcomes, dry: ctx.dry };
    throwOnFailure(result, errors);
    return result;
  };
  // A dry run changes nothing, so it does not need to exclude other writers.
  return options.dry ? work() : withRepoLock(project.stateDir, work);
}

function throwOnFailure(result: ReproResult, errors: ReadonlyMap<string, PaddockError>): void {
  const failed = result.stages.filter((s) => s.result === 'failed');
  if (failed.length === 0) return;
  const first = failed[0]!;
  const original = errors.get(first.name);
  // A single stage stopped by something other than its command (disk full, a missing param…):
  // keep that error's own code and hint.
  if (failed.length === 1 && original && original.code !== 'STAGE_FAILED') {
    throw new PaddockError(original.code, original.message, { ...original.details, result }, { cause: original });
  }
  const skipped = result.stages.filter((s) => s.result === 'blocked' || s.result === 'cancelled').map((s) => s.name);
  const tail = skipped.length ? `; not run: ${skipped.join(', ')}` : '';
  const message = failed.length === 1 ? `${first.message}${tail}` : `${failed.length} stages failed:\n  ${failed.map((f) => f.message).join('\n  ')}${tail}`;
  fail('STAGE_FAILED', message, { stages: failed.map((f) => f.name), exitCode: first.exitCode, log: first.log, result });
}
