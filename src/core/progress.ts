/**
 * Progress of long work (hashing, transfers), reported by services and drawn by the CLI on a
 * TTY. Services never print; they call these.
 */
export interface Progress {
  /** Adds to the total (work discovered as it goes). */
  addTotal(n: number): void;
  /** Marks `n` units done. */
  tick(n?: number): void;
  /** Ends the bar. */
  done(): void;
}

/** Creates a progress reporter for a named task, measured in `unit` (files, bytes). */
export type ProgressFactory = (label: string, unit: 'files' | 'bytes' | 'stages') => Progress;

/** Reports nothing (library use, tests, --json, non-TTY). */
export const noProgress: ProgressFactory = () => ({ addTotal() {}, tick() {}, done() {} });
