import type { Command } from 'commander';
import { fail } from '../../core/errors.js';
import { checkoutTargets } from '../../data/index.js';
import { commandCwd, commandOutput, commandProject } from '../context.js';

export function registerCheckout(program: Command): void {
  program
    .command('checkout')
    .description('restore tracked files and directories from the cache to match their .dvc pointers')
    .argument('[targets...]', '.dvc files or tracked outputs to restore (default: all)')
    .option('-f, --force', 'overwrite workspace changes that are not in the cache')
    .option('--json', 'print the result as JSON')
    .action(async (targets: string[], flags: { force?: boolean }, cmd: Command) => {
      const out = commandOutput(cmd);
      const result = await checkoutTargets(commandProject(cmd), targets, { force: flags.force, cwd: commandCwd(cmd) });
      out.result(result);
      for (const p of result.restored) out.line(`restored ${p}`);
      if (result.restored.length === 0 && result.missing.length === 0) out.line('Everything is already checked out.');
      if (result.missing.length > 0) {
        fail('CACHE_MISSING', `not in the cache, left as they were: ${result.missing.join(', ')}`, { missing: result.missing });
      }
    });
}
