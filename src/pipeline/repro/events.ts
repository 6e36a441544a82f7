import type { OutputStream } from '../executor/executor.js';
import type { StageStatus } from '../status/stage-status.js';

/** What happened to one stage in a repro. */
export type StageResult =
  | 'ran' // the command ran and succeeded
  | 'restored' // outputs restored from the cache (run cache or the lock) instead of running
  | 'verified' // frozen stage: outputs checked and recorded, command not run
  | 'skipped' // nothing changed
  | 'would-run' // --dry
  | 'failed'
  | 'blocked' // an upstream stage failed
  | 'cancelled'; // not started because another stage failed (no --keep-going) or Paddock was interrupted

/** The outcome of one stage. */
export interface StageOutcome {
  readonly name: string;
  /** DVC's addressing: the name, or `dir/dvc.yaml:name`. */
  readonly addressing: string;
  readonly result: StageResult;
  /** Why it ran (or would run): DVC's status words, e.g. `changed deps: data.csv (modified)`. */
  readonly reasons: readonly string[];
  readonly exitCode?: number;
  /** Absolute path of the stage log, when the command ran. */
  readonly log?: string;
  readonly durationMs: number;
  /** For failed/blocked: what went wrong. */
  readonly message?: string;
}

/** Progress of a repro, for the CLI to draw (services never print). */
export type ReproEvent =
  | { readonly type: 'start'; readonly name: string; readonly index: number; readonly total: number; readonly action: 'run' | 'restore' | 'verify' }
  | { readonly type: 'output'; readonly name: string; readonly line: string; readonly stream: OutputStream }
  | { readonly type: 'end'; readonly outcome: StageOutcome; readonly done: number; readonly total: number };

/** Human-readable reasons from a stage status, in DVC's terms. */
export function reasonsOf(status: StageStatus): string[] {
  const reasons: string[] = [];
  if (status.lockMissing) reasons.push('new stage (no dvc.lock entry)');
  if (status.commandChanged) reasons.push('changed command');
  if (status.alwaysChanged && !status.frozen) reasons.push('always changed');
  const deps = Object.entries(status.deps).map(([p, s]) => `${p} (${s})`);
  for (const [file, change] of Object.entries(status.params)) {
    if (typeof change === 'string') deps.push(`${file} (${change})`);
    else deps.push(...Object.entries(change).map(([k, s]) => `${file}:${k} (${s})`));
  }
  if (deps.length && !status.lockMissing) reasons.push(`changed deps: ${deps.join(', ')}`);
  const outs = Object.entries(status.outs).map(([p, s]) => `${p} (${s})`);
  if (outs.length && !status.lockMissing) reasons.push(`changed outs: ${outs.join(', ')}`);
  return reasons;
}
