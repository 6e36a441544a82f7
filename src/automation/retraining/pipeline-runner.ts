import { readFileSync } from 'node:fs';
import { isPaddockError } from '../../core/errors.js';
import type { Project } from '../../core/project.js';
import { repro, type Executor, type ReproEvent, type ReproResult, type StageOutcome } from '../../pipeline/index.js';

/** What reproducing a retraining's target did. */
export interface PipelineRun {
  readonly ok: boolean;
  /** Every planned stage with its result (ran, restored, skipped, failed, blocked…). */
  readonly stages: readonly Pick<StageOutcome, 'name' | 'result'>[];
  /** The stage that failed, and the error's message. */
  readonly failedStage?: string;
  /** The error, with the end of the failed stage's log (where a failed gate says which and by how much). */
  readonly error?: string;
}

/** Runs a retraining's pipeline target; the environment goes to every stage command. */
export type PipelineRunner = (input: {
  readonly target: string;
  readonly force: boolean;
  readonly env: Readonly<Record<string, string>>;
  readonly onEvent?: (event: ReproEvent) => void;
}) => Promise<PipelineRun>;

/**
 * The in-process pipeline runner: the pipeline service's `repro` of the target (its upstream
 * runs as needed), through `executor` with the retraining's variables added to each stage's
 * environment. A failed stage is an outcome, not an exception: the job records it.
 */
export function reproRunner(project: Project, executor: Executor): PipelineRunner {
  return async ({ target, force, env, onEvent }) => {
    const withEnv: Executor = { run: (stage, options) => executor.run(stage, { ...options, env: { ...options.env, ...env } }) };
    try {
      const result = await repro(project, { targets: [target], force, executor: withEnv, ...(onEvent ? { onEvent } : {}) });
      return { ok: true, stages: brief(result) };
    } catch (err) {
      const partial = isPaddockError(err) ? (err.details.result as ReproResult | undefined) : undefined;
      const failed = partial?.stages.find((s) => s.result === 'failed');
      return {
        ok: false,
        stages: partial ? brief(partial) : [],
        ...(failed ? { failedStage: failed.name } : {}),
        error: [err instanceof Error ? err.message : String(err), ...(failed?.log ? logTail(failed.log) : [])].join('\n'),
      };
    }
  };
}

/** The last lines of a stage log: a failed command says why at its end. */
function logTail(file: string, lines = 6): string[] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '').slice(-lines);
  } catch {
    return [];
  }
}

function brief(result: ReproResult): PipelineRun['stages'] {
  return result.stages.map((s) => ({ name: s.name, result: s.result }));
}
