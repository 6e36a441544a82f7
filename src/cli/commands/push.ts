import type { Command } from 'commander';
import { push } from '../../data/index.js';
import { commandCwd, commandOutput, commandProject } from '../context.js';
import { transferOptions, withTransferOptions, type TransferFlags } from './transfer-options.js';

export function registerPush(program: Command): void {
  withTransferOptions(
    program
      .command('push')
      .description('upload the cached data the workspace tracks to a remote, skipping what it already has (safe to re-run after an interruption)'),
  ).action(async (targets: string[], flags: TransferFlags, cmd: Command) => {
    const out = commandOutput(cmd);
    const project = commandProject(cmd);
    const reports = await push(project, transferOptions(commandCwd(cmd), targets, flags));
    out.result(reports);
    if (reports.length === 0) out.line('Nothing to push: no tracked data.');
    for (const r of reports) {
      out.line(r.pushed === 0 ? `Everything is already on ${r.url} (${r.skipped} objects).` : `Pushed ${r.pushed} object(s) to ${r.url} (${r.skipped} already there).`);
    }
  });
}
