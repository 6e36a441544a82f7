import type { Command } from 'commander';
import { dataStatus, type StatusReport } from '../../data/index.js';
import { remoteStatus } from '../../data/remote/remote-status.js';
import { commandCwd, commandOutput, commandProject } from '../context.js';
import type { Output } from '../output.js';

interface StatusFlags {
  readonly json?: boolean;
  readonly remote?: string | boolean;
}

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('show tracked data that changed in the workspace or is missing from the cache (or, with --remote, what differs from a remote)')
    .argument('[targets...]', '.dvc files or tracked outputs to check (default: all)')
    .option('-r, --remote [name]', 'compare the cache with a remote instead (default remote when no name is given)')
    .option('--json', 'print the result as JSON (same shape as `dvc status --json`)')
    .action(async (targets: string[], flags: StatusFlags, cmd: Command) => {
      const out = commandOutput(cmd);
      const project = commandProject(cmd);
      if (flags.remote !== undefined) {
        const reports = await remoteStatus(project, { remote: typeof flags.remote === 'string' ? flags.remote : undefined });
        out.result(reports);
        for (const r of reports) {
          out.line(`${r.remote} (${r.url}): ${r.counts.new} new, ${r.counts.deleted} deleted, ${r.counts.missing} missing, ${r.counts.inSync} in sync`);
          for (const o of r.objects) out.line(`  ${o.state.padEnd(8)} ${o.path}`);
        }
        return;
      }
      const report = await dataStatus(project, targets, commandCwd(cmd));
      out.result(report);
      render(out, report);
    });
}

function render(out: Output, report: StatusReport): void {
  const entries = Object.entries(report);
  if (entries.length === 0) {
    out.line('Data and pipelines are up to date.');
    return;
  }
  for (const [addressing, items] of entries) {
    out.line(`${addressing}:`);
    for (const item of items) {
      if (typeof item === 'string') out.line(`\t${item}`);
      else for (const [what, changes] of Object.entries(item)) {
        out.line(`\t${what}:`);
        for (const [p, state] of Object.entries(changes)) out.line(`\t\t${state}:`.padEnd(20) + p);
      }
    }
  }
}
