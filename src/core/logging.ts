import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

/**
 * Structured logs go to stderr (stdout belongs to command output and --json), at `level`,
 * default `warn` for the CLI so that normal runs stay quiet.
 */
export function createLogger(level: LevelWithSilent = 'warn'): Logger {
  return pino({ level, base: undefined }, pino.destination(2));
}

/** A logger that drops everything (tests, library use). */
export const silentLogger: Logger = pino({ level: 'silent' });
