import type { Stage } from '../model.js';

/** Which stream a line of stage output came from. */
export type OutputStream = 'stdout' | 'stderr';

/** What a run of a stage's command is given. */
export interface ExecOptions {
  /** Extra environment variables, on top of the process environment. */
  readonly env: Readonly<Record<string, string>>;
  /** Called for every complete line the command prints (without the newline). */
  readonly onOutput: (line: string, stream: OutputStream) => void;
  /** Aborting stops the command (its whole process group). */
  readonly signal?: AbortSignal;
}

/** How a stage's command ended. */
export interface ExecResult {
  /** 0 on success; the failing command's exit code, or 128 + signal number when killed. */
  readonly exitCode: number;
  /** The signal that ended the command, if any. */
  readonly signal?: NodeJS.Signals;
  /** Which of a list `cmd`'s commands ended the run (0-based). */
  readonly commandIndex: number;
  readonly durationMs: number;
}

/**
 * The port that runs a stage's command. The in-process adapter (ShellExecutor) spawns it here;
 * a queue-backed adapter can run it on workers.
 */
export interface Executor {
  run(stage: Stage, options: ExecOptions): Promise<ExecResult>;
}
