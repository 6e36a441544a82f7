import type { Command } from 'commander';
import { pull } from '../../data/index.js';
import { commandCwd, commandOutput, commandProject } from '../context.js';
import { transferOptions, withTransferOptions, type TransferFlags } from './transfer-options.js';

export function registerPull(program: Command): void {
  withTransferOptions(
    program
      .command('pull')
      .description('fetch the tracked data from a remote (verified by hash) and check it out into the workspace'),
  )
    .option('-f, --force', 'overwrite workspace changes that are not in the cache')
    .action(async (targets: string[], flags: TransferFlags & { force?: boolean }, cmd: Command) => {
      const out = commandOutput(cmd);
      const project = commandProject(cmd);
      const report = await pull(project, { ...transferOptions(commandCwd(cmd), targets, flags), force: flags.force });
      out.result(report);
      const fetched = report.fetched.reduce((n, r) => n + r.fetched, 0);
      out.line(`Fetched ${fetched} object(s); restored ${report.restored.length} output(s)${report.unchanged.length ? `, ${report.unchanged.length} already up to date` : ''}.`);
      for (const p of report.restored) out.line(`  restored ${p}`);
    });
}
