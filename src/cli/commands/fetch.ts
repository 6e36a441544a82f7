import type { Command } from 'commander';
import { fetch } from '../../data/index.js';
import { commandCwd, commandOutput, commandProject } from '../context.js';
import { transferOptions, withTransferOptions, type TransferFlags } from './transfer-options.js';

export function registerFetch(program: Command): void {
  withTransferOptions(
    program
      .command('fetch')
      .description('download the data the workspace tracks from a remote into the cache (verified by hash), without touching the workspace'),
  ).action(async (targets: string[], flags: TransferFlags, cmd: Command) => {
    const out = commandOutput(cmd);
    const project = commandProject(cmd);
    const reports = await fetch(project, transferOptions(commandCwd(cmd), targets, flags));
    out.result(reports);
    if (reports.length === 0) out.line('Nothing to fetch: no tracked data.');
    for (const r of reports) {
      out.line(r.fetched === 0 ? `Everything is already in the cache (${r.cached} objects).` : `Fetched ${r.fetched} object(s) from ${r.url} (${r.cached} already cached).`);
    }
  });
}
