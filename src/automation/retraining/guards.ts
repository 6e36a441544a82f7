import os from 'node:os';
import type { Retraining } from './retraining.js';
import { ACTIVE_STATUSES } from './retraining.js';
import type { RetrainingPipelineConfig } from './run-retraining.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** What the guards look at: the pipeline's and the model's retrainings of the last day (or since the min interval, if longer). */
export interface GuardInput {
  readonly pipeline: string;
  readonly config: RetrainingPipelineConfig;
  /** Retrainings of the same pipeline or the same model, any order. */
  readonly recent: readonly Retraining[];
  readonly now: number;
  /** Whether an active retraining's process is gone (default: same host and its pid is dead). */
  readonly isAbandoned?: (row: Retraining) => boolean;
}

/** How far back the guards look, in ms. */
export function guardWindowMs(config: RetrainingPipelineConfig): number {
  return Math.max(DAY_MS, config.min_interval_minutes * 60_000);
}

/**
 * The guards against a runaway loop (an alert that fires again while its retraining runs, a
 * schedule too tight, a failing pipeline retried forever): at most one retraining of a pipeline
 * at a time, a minimum interval between retrainings of a model, and a daily budget of runs and
 * pipeline minutes. Returns why a new retraining must be skipped, or undefined when it may start.
 * Skipped triggers do not count against the interval or the budget.
 */
export function guardReason(input: GuardInput): string | undefined {
  const { config, now } = input;
  const abandoned = input.isAbandoned ?? isAbandonedHere;
  const counted = input.recent.filter((r) => r.status !== 'skipped');
  const active = counted.find((r) => r.pipeline === input.pipeline && ACTIVE_STATUSES.has(r.status) && !abandoned(r));
  if (active) return `retraining ${active.id} of pipeline '${input.pipeline}' is still ${active.status}: one at a time`;

  const last = counted.filter((r) => r.model === config.model).sort((a, b) => b.createdAt - a.createdAt)[0];
  const minMs = config.min_interval_minutes * 60_000;
  if (last && now - last.createdAt < minMs) {
    const ago = Math.floor((now - last.createdAt) / 60_000);
    return `the last retraining of ${config.model} (${last.id}) started ${ago} min ago; retraining.pipelines.${input.pipeline}.min_interval_minutes is ${config.min_interval_minutes}: the next may start at ${new Date(last.createdAt + minMs).toISOString()}`;
  }

  const today = counted.filter((r) => r.pipeline === input.pipeline && now - r.createdAt < DAY_MS);
  const { max_runs_per_day: maxRuns, max_minutes_per_day: maxMinutes } = config.budget;
  if (maxRuns !== undefined && today.length >= maxRuns) {
    return `budget: ${today.length} retrainings of pipeline '${input.pipeline}' in the last 24 h reach retraining.pipelines.${input.pipeline}.budget.max_runs_per_day (${maxRuns})`;
  }
  const minutes = today.reduce((sum, r) => sum + r.pipelineMs, 0) / 60_000;
  if (maxMinutes !== undefined && minutes >= maxMinutes) {
    return `budget: pipeline '${input.pipeline}' ran ${minutes.toFixed(1)} min in the last 24 h, reaching retraining.pipelines.${input.pipeline}.budget.max_minutes_per_day (${maxMinutes})`;
  }
  return undefined;
}

/**
 * An active retraining whose process (its `host:pid` owner) is on this machine and no longer
 * alive: an in-process job that died with its process. It no longer blocks its pipeline.
 */
export function isAbandonedHere(row: Retraining): boolean {
  if (!row.owner) return false;
  const at = row.owner.lastIndexOf(':');
  const host = row.owner.slice(0, at);
  const pid = Number(row.owner.slice(at + 1));
  if (host !== os.hostname() || !Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'EPERM';
  }
}

/** This process as a retraining owner: `host:pid`. */
export function thisOwner(): string {
  return `${os.hostname()}:${process.pid}`;
}
