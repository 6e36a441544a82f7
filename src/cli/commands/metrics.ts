import type { Command } from 'commander';
import { metricsDiff, showMetrics } from '../../pipeline/index.js';
import { commandOutput, commandProject } from '../context.js';
import { formatTable } from '../output.js';

export function registerMetrics(program: Command): void {
  const metrics = program.command('metrics').description('show and compare the metrics files the pipeline declares (JSON, YAML)');
  metrics
    .command('show')
    .description('print the metrics of the workspace (or of a git revision), nested keys dotted')
    .option('--rev <rev>', 'read the metrics committed at this git revision')
    .option('--json', 'print {file: {metric: value}} as JSON')
    .action(async (opts: { rev?: string; json?: boolean }, cmd: Command) => {
      const out = commandOutput(cmd);
      const shown = await showMetrics(commandProject(cmd), { rev: opts.rev });
      out.result(shown.metrics);
      for (const [file, why] of Object.entries(shown.errors)) out.warn(`${file}: ${why}`);
      const rows = Object.entries(shown.metrics).flatMap(([file, values]) => Object.entries(values).map(([key, v]) => [file, key, show(v)]));
      out.line(rows.length ? formatTable(['Path', 'Metric', 'Value'], rows) : 'no metrics: declare them as `metrics:` of a stage or at the top level of dvc.yaml');
    });
  metrics
    .command('diff')
    .description('compare metrics between two git revisions (default: HEAD and the workspace), with the change of numeric values')
    .argument('[a_rev]', 'old revision', 'HEAD')
    .argument('[b_rev]', 'new revision (default: the workspace)')
    .option('--all', 'also show metrics that did not change')
    .option('--json', 'print {file: {metric: {old, new, diff}}} as JSON, as DVC does')
    .action(async (a: string, b: string | undefined, opts: { all?: boolean; json?: boolean }, cmd: Command) => {
      const out = commandOutput(cmd);
      const diff = await metricsDiff(commandProject(cmd), { a, b, all: opts.all });
      out.result(diff);
      const rows = Object.entries(diff).flatMap(([file, entries]) =>
        Object.entries(entries).map(([key, c]) => [file, key, show(c.old), show(c.new), c.diff === undefined ? '-' : `${c.diff > 0 ? '+' : ''}${c.diff}`]),
      );
      out.line(rows.length ? formatTable(['Path', 'Metric', a, b ?? 'workspace', 'Change'], rows) : 'no metric changes');
    });
}

function show(v: unknown): string {
  if (v === null || v === undefined) return '-';
  return typeof v === 'string' ? v : JSON.stringify(v);
}
