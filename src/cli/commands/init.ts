import type { Command } from 'commander';
import { initProject } from '../../data/init-project.js';
import { commandCwd, commandOutput } from '../context.js';

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('create a Paddock project here: paddock.yaml, .paddock/ (cache, state) and .gitignore entries')
    .option('--json', 'print the result as JSON')
    .action(async (_opts, cmd: Command) => {
      const out = commandOutput(cmd);
      const result = await initProject(commandCwd(cmd));
      out.result(result);
      if (result.created.length === 0) out.line(`Paddock project already initialised in ${result.root}`);
      else out.line(`Initialised Paddock project in ${result.root}\n${result.created.map((c) => `  created ${c}`).join('\n')}`);
    });
}
