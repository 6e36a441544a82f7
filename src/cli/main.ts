import { Command, CommanderError } from 'commander';
import { ERROR_CATALOGUE, PaddockError, isPaddockError } from '../core/errors.js';
import { createLogger } from '../core/logging.js';
import { registerCommands } from './commands/index.js';

/**
 * Runs the CLI with `argv` (without node and script) and resolves to the exit code. Every
 * failure is rendered here, once: a PaddockError as its message plus the catalogue's hint,
 * anything else as INTERNAL with the cause logged.
 */
export async function main(argv: readonly string[]): Promise<number> {
  const program = new Command('paddock')
    .description('Paddock: versioned data, reproducible pipelines and the rest of the MLOps loop')
    .option('-C, --cwd <dir>', 'run as if started in <dir>')
    .option('-q, --quiet', 'print only errors')
    .option('-v, --verbose', 'log debug information to stderr')
    .showHelpAfterError()
    .exitOverride();
  registerCommands(program);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    return report(err, program.opts().verbose === true);
  }
}

function report(err: unknown, verbose: boolean): number {
  if (err instanceof CommanderError) {
    // Commander has already printed its message (or help); keep its exit code for help/version.
    return err.exitCode === 0 ? 0 : ERROR_CATALOGUE.INVALID_ARGUMENT.exit;
  }
  if (isPaddockError(err)) {
    process.stderr.write(`error: ${err.message}\n  ${err.hint}\n`);
    if (verbose && err.cause) process.stderr.write(`  cause: ${String((err.cause as Error).stack ?? err.cause)}\n`);
    return err.spec.exit;
  }
  const internal = new PaddockError('INTERNAL', 'unexpected internal error', {}, { cause: err });
  createLogger('error').error({ err }, 'internal error');
  process.stderr.write(`error: ${internal.message}\n  ${internal.hint}\n`);
  return internal.spec.exit;
}
