import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';

/** The options push, pull, fetch and `status --remote` share, as commander parses them. */
export interface TransferFlags {
  readonly remote?: string;
  readonly jobs?: number;
  readonly allCommits?: boolean;
  readonly rev?: string[];
  readonly json?: boolean;
}

/** Parses a positive whole number for --jobs. */
export function parseJobs(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive whole number');
  return n;
}

/** Adds the shared transfer options to a command. */
export function withTransferOptions(cmd: Command): Command {
  return cmd
    .argument('[targets...]', 'tracked outputs, folders holding them, or .dvc files (default: everything the workspace tracks)')
    .option('-r, --remote <name>', 'remote to use (default: core.remote, or the only remote)')
    .option('-j, --jobs <n>', 'parallel transfers (default: the remote\'s jobs, else core.jobs)', parseJobs)
    .option('-a, --all-commits', 'also every object referenced by any git commit')
    .option('--rev <rev...>', 'also the objects referenced at these git revisions')
    .option('--json', 'print the result as JSON');
}

/** Targets resolved against the directory the command runs in. */
export function resolveTargets(cwd: string, targets: readonly string[]): string[] {
  return targets.map((t) => path.resolve(cwd, t));
}

/** The use-case options for a transfer command. */
export function transferOptions(cwd: string, targets: readonly string[], flags: TransferFlags) {
  return { targets: resolveTargets(cwd, targets), remote: flags.remote, jobs: flags.jobs, allCommits: flags.allCommits, revs: flags.rev };
}
