import type { Command } from 'commander';
import { fail, isPaddockError } from '../../core/errors.js';
import { runQuickstart } from '../quickstart/run-quickstart.js';
import { commandOutput } from '../context.js';

export function registerQuickstart(program: Command): void {
  program
    .command('quickstart')
    .description('create the example project in a fresh folder and run the loop on real data (what `npm start` does)')
    .option('--dir <dir>', 'where to create the project (default: a new temporary folder)')
    .option('--no-serve', 'stop after the tour instead of leaving `paddock server` running')
    .action(async (opts: { dir?: string; serve: boolean }, cmd: Command) => {
      const out = commandOutput(cmd);
      try {
        await runQuickstart({ dir: opts.dir, serve: opts.serve, log: (line) => out.line(line) });
      } catch (err) {
        if (isPaddockError(err)) throw err;
        fail('STAGE_FAILED', `quickstart stopped: ${(err as Error).message}`, {}, err);
      }
    });
}
