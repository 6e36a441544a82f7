import type { Command } from 'commander';
import { addTargets } from '../../data/index.js';
import { commandCwd, commandOutput, commandProject } from '../context.js';

export function registerAdd(program: Command): void {
  program
    .command('add')
    .description('track files or directories: store their content in the cache and write <name>.dvc pointers to commit to git')
    .argument('<targets...>', 'files or directories inside the repository')
    .option('--json', 'print the result as JSON')
    .action(async (targets: string[], _opts, cmd: Command) => {
      const out = commandOutput(cmd);
      const results = await addTargets(commandProject(cmd), targets, commandCwd(cmd));
      out.result(results);
      for (const r of results) {
        const files = r.hash.nfiles === undefined ? '' : `, ${r.hash.nfiles} files`;
        out.line(`Added ${r.path} (${r.hash.md5}, ${r.hash.size} bytes${files}) → ${r.pointer}`);
      }
      if (results.length > 0) out.line(`\nTo track the changes with git, run:\n  git add ${[...new Set(results.flatMap((r) => [r.pointer, gitignoreOf(r.path)]))].join(' ')}`);
    });
}

function gitignoreOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '.gitignore' : `${p.slice(0, i)}/.gitignore`;
}
