import type { Command } from 'commander';
import { ERROR_CATALOGUE } from '../../core/errors.js';
import { fsck } from '../../data/index.js';
import { commandOutput, commandProject } from '../context.js';

export function registerFsck(program: Command): void {
  program
    .command('fsck')
    .description('re-hash every cache object and report corrupt ones and objects the workspace references but the cache lacks')
    .option('--repair', 'remove corrupt objects (then `paddock pull` fetches good copies)')
    .option('--json', 'print the result as JSON')
    .action(async (flags: { repair?: boolean }, cmd: Command) => {
      const out = commandOutput(cmd);
      const result = await fsck(commandProject(cmd), { repair: flags.repair });
      out.result(result);
      out.line(`Checked ${result.checked} object(s): ${result.corrupt.length} corrupt${result.repaired ? ' (removed)' : ''}, ${result.missing.length} missing.`);
      for (const md5 of result.corrupt) out.line(`  corrupt  ${md5}`);
      for (const md5 of result.missing) out.line(`  missing  ${md5}`);
      // Scripts (and the kill tests) read the exit code: non-zero while problems remain.
      if (result.corrupt.length > 0 && !result.repaired) process.exitCode = ERROR_CATALOGUE.CACHE_CORRUPT.exit;
      else if (result.missing.length > 0) process.exitCode = ERROR_CATALOGUE.CACHE_MISSING.exit;
    });
}
