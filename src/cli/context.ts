import type { Command } from 'commander';
import { openProject, type OpenOptions } from '../app.js';
import type { Project } from '../core/project.js';
import { createOutput, type Output } from './output.js';
import { terminalProgress } from './progress-bar.js';

/** Options every command inherits from the root program. */
export interface GlobalOptions {
  readonly cwd?: string;
  readonly quiet?: boolean;
  readonly verbose?: boolean;
}

/** The root program's options, seen from any (sub)command. */
export function globalOptions(cmd: Command): GlobalOptions {
  return cmd.optsWithGlobals() as GlobalOptions;
}

/** The working directory a command runs in. */
export function commandCwd(cmd: Command): string {
  return globalOptions(cmd).cwd ?? process.cwd();
}

/** Output for a command, honouring --json and --quiet. */
export function commandOutput(cmd: Command): Output {
  const opts = cmd.optsWithGlobals() as GlobalOptions & { json?: boolean };
  return createOutput({ json: opts.json, quiet: opts.quiet });
}

/** Opens the project a command runs in, with progress bars on a TTY unless --json/--quiet. */
export function commandProject(cmd: Command, extra: Partial<OpenOptions> = {}): Project {
  const opts = cmd.optsWithGlobals() as GlobalOptions & { json?: boolean };
  return openProject({
    cwd: commandCwd(cmd),
    progress: terminalProgress(!opts.json && !opts.quiet),
    logLevel: opts.verbose ? 'debug' : undefined,
    ...extra,
  });
}
