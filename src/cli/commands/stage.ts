import type { Command } from 'commander';
import { listStages, loadPipeline } from '../../pipeline/index.js';
import { commandOutput, commandProject } from '../context.js';
import { formatTable } from '../output.js';

export function registerStage(program: Command): void {
  const stage = program.command('stage').description('inspect the stages defined in dvc.yaml files');
  stage
    .command('list')
    .description('list every stage with its description (or its outputs when it has none)')
    .option('--name-only', 'print only the stage names')
    .option('--json', 'print the stages as JSON')
    .action(async (opts: { nameOnly?: boolean; json?: boolean }, cmd: Command) => {
      const out = commandOutput(cmd);
      const stages = listStages(await loadPipeline(commandProject(cmd)));
      out.result(stages);
      if (opts.nameOnly) return stages.forEach((s) => out.line(s.address));
      const rows = stages.map((s) => [s.address, s.desc ?? (s.outs.length ? `Outputs ${s.outs.join(', ')}` : '')]);
      out.line(rows.length ? formatTable(['Stage', 'Description'], rows).split('\n').slice(1).join('\n') : 'no stages: add some to dvc.yaml');
    });
}
