import type { Command } from 'commander';
import { paramsDiff } from '../../pipeline/index.js';
import { commandOutput, commandProject } from '../context.js';
import { formatTable } from '../output.js';

export function registerParams(program: Command): void {
  const params = program.command('params').description('inspect the parameters of the pipeline (params.yaml and other params files)');
  params
    .command('diff')
    .description('show how parameters changed between two git revisions (default: HEAD and the workspace)')
    .argument('[a_rev]', 'old revision', 'HEAD')
    .argument('[b_rev]', 'new revision (default: the workspace)')
    .option('--all', 'also show parameters that did not change')
    .option('--json', 'print {file: {param: {old, new}}} as JSON, as DVC does')
    .action(async (a: string, b: string | undefined, opts: { all?: boolean; json?: boolean }, cmd: Command) => {
      const out = commandOutput(cmd);
      const diff = await paramsDiff(commandProject(cmd), { a, b, all: opts.all });
      out.result(diff);
      const rows = Object.entries(diff).flatMap(([file, entries]) => Object.entries(entries).map(([key, c]) => [file, key, show(c.old), show(c.new)]));
      out.line(rows.length ? formatTable(['Path', 'Param', a, b ?? 'workspace'], rows) : 'no parameter changes');
    });
}

function show(v: unknown): string {
  if (v === null || v === undefined) return '-';
  return typeof v === 'string' ? v : JSON.stringify(v);
}
