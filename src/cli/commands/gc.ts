import type { Command } from 'commander';
import { gc } from '../../data/index.js';
import { commandOutput, commandProject } from '../context.js';

interface GcFlags {
  readonly workspace?: boolean;
  readonly allCommits?: boolean;
  readonly allBranches?: boolean;
  readonly allTags?: boolean;
  readonly rev?: string[];
  readonly dry?: boolean;
}

export function registerGc(program: Command): void {
  program
    .command('gc')
    .description('remove cache objects nothing in the given scope references (the workspace is always kept); a scope is required')
    .option('-w, --workspace', 'keep what the workspace references')
    .option('-A, --all-commits', 'keep what any git commit references')
    .option('-a, --all-branches', 'keep what the tip of every branch references')
    .option('-T, --all-tags', 'keep what every tag references')
    .option('--rev <rev...>', 'keep what these git revisions reference')
    .option('--dry', 'only list what would be removed')
    .option('--json', 'print the result as JSON')
    .action(async (flags: GcFlags, cmd: Command) => {
      const out = commandOutput(cmd);
      const result = await gc(commandProject(cmd), { workspace: flags.workspace, allCommits: flags.allCommits, allBranches: flags.allBranches, allTags: flags.allTags, revs: flags.rev, dry: flags.dry });
      out.result(result);
      const verb = result.dry ? 'Would remove' : 'Removed';
      out.line(`${verb} ${result.removed.length} object(s), ${result.bytes} bytes; kept ${result.kept}.`);
      if (result.dry) for (const md5 of result.removed) out.line(`  ${md5}`);
    });
}
