import type { Command } from 'commander';
import { showPlots } from '../../pipeline/index.js';
import { commandOutput, commandProject } from '../context.js';

export function registerPlots(program: Command): void {
  const plots = program.command('plots').description('render the plot files the pipeline declares as charts');
  plots
    .command('show')
    .description('render plots (CSV, TSV, JSON, YAML; images as they are) into one self-contained HTML page and print its path')
    .argument('[targets...]', 'plot ids or files to render (default: every declared plot)')
    .option('-o, --out <file>', 'HTML file to write', 'dvc_plots/index.html')
    .option('--json', 'print {output, plots} as JSON')
    .action(async (targets: string[], opts: { out: string; json?: boolean }, cmd: Command) => {
      const out = commandOutput(cmd);
      const result = await showPlots(commandProject(cmd), { targets, output: opts.out });
      out.result(result);
      for (const p of result.plots) if (p.error) out.warn(`${p.id}: ${p.error}`);
      out.line(result.output);
    });
}
