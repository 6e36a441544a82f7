import { isPaddockError, type PaddockError } from '../../core/errors.js';
import type { StageOutcome } from './events.js';
import type { PlanStep } from './plan.js';

/** Runs one planned stage; `upstreamWouldRun` is set in --dry runs below a would-run stage. */
export type StageRunner = (step: PlanStep, upstreamWouldRun: boolean) => Promise<StageOutcome>;

/** Outcomes in plan order, plus the errors thrown by stages (other than command failures). */
export interface ScheduleResult {
  readonly outcomes: readonly StageOutcome[];
  readonly errors: ReadonlyMap<string, PaddockError>;
}

const SUCCESS = new Set(['ran', 'restored', 'verified', 'skipped', 'would-run']);

/**
 * Runs the plan with at most `jobs` stages at once; a stage starts when every planned stage
 * it depends on has finished successfully. After a failure its dependents are `blocked`;
 * without `keepGoing` nothing new starts (running stages finish and are recorded) and the rest
 * is `cancelled`; with it, independent branches go on. `shouldStop` (an interrupt) cancels too.
 */
export async function runSchedule(plan: readonly PlanStep[], options: { jobs: number; keepGoing: boolean; shouldStop: () => boolean; addressing: (step: PlanStep) => string }, run: StageRunner): Promise<ScheduleResult> {
  const outcomes = new Map<string, StageOutcome>();
  const errors = new Map<string, PaddockError>();
  const running = new Map<string, Promise<void>>();
  let failed = false;
  const jobs = Math.max(1, options.jobs);

  const settle = (step: PlanStep, outcome: StageOutcome) => {
    outcomes.set(step.stage.name, outcome);
    if (outcome.result === 'failed') failed = true;
  };
  const pending = () => plan.filter((p) => !outcomes.has(p.stage.name) && !running.has(p.stage.name));

  for (;;) {
    const stop = options.shouldStop() || (failed && !options.keepGoing);
    for (const step of pending()) {
      const ups = step.after.map((n) => outcomes.get(n));
      const bad = ups.find((o) => o && !SUCCESS.has(o.result));
      if (bad) {
        settle(step, { name: step.stage.name, addressing: options.addressing(step), result: 'blocked', reasons: [], durationMs: 0, message: `not run: upstream stage '${bad.name}' ${bad.result === 'failed' ? 'failed' : 'did not run'}` });
        continue;
      }
      if (stop || running.size >= jobs || ups.some((o) => o === undefined)) continue;
      const wouldRun = ups.some((o) => o!.result === 'would-run');
      const task = run(step, wouldRun)
        .then((outcome) => settle(step, outcome))
        .catch((err: unknown) => {
          if (!isPaddockError(err)) throw err;
          errors.set(step.stage.name, err);
          settle(step, { name: step.stage.name, addressing: options.addressing(step), result: 'failed', reasons: [], durationMs: 0, message: err.message });
        })
        .finally(() => running.delete(step.stage.name));
      running.set(step.stage.name, task);
    }
    if (running.size === 0) break;
    await Promise.race(running.values());
  }
  for (const step of pending()) {
    settle(step, { name: step.stage.name, addressing: options.addressing(step), result: 'cancelled', reasons: [], durationMs: 0, message: options.shouldStop() ? 'not run: interrupted' : 'not run: another stage failed (use --keep-going to run independent stages)' });
  }
  return { outcomes: plan.map((p) => outcomes.get(p.stage.name)!), errors };
}
