import type { Command } from 'commander';
import { listTrackedPaths } from '../../data/index.js';
import { buildDag, loadPipeline, renderDag, type DagFormat } from '../../pipeline/index.js';
import { commandOutput, commandProject } from '../context.js';

export function registerDag(program: Command): void {
  program
    .command('dag')
    .description('show the pipeline stages and how they connect (text boxes, Mermaid, Graphviz dot or JSON)')
    .argument('[target]', 'show only this stage (name, group name or path/dvc.yaml:name) and the stages it depends on')
    .option('--mermaid', 'print a Mermaid flowchart')
    .option('--md', 'print a Mermaid flowchart inside a Markdown code block')
    .option('--dot', 'print a Graphviz dot graph')
    .option('--json', 'print {stages, edges} as JSON')
    .action(async (target: string | undefined, opts: { mermaid?: boolean; md?: boolean; dot?: boolean; json?: boolean }, cmd: Command) => {
      const out = commandOutput(cmd);
      const project = commandProject(cmd);
      const pipeline = await loadPipeline(project);
      // Outputs also tracked by .dvc files are reported here too, before anything runs.
      const dag = buildDag(pipeline, { trackedPaths: await listTrackedPaths(project) });
      const targets = target ? [target] : undefined;
      const format: DagFormat = opts.json ? 'json' : opts.dot ? 'dot' : opts.mermaid || opts.md ? 'mermaid' : 'ascii';
      const text = renderDag(dag, format, { targets, root: project.root });
      if (opts.json) return out.result(JSON.parse(text));
      if (pipeline.stages.length === 0) return out.line('no stages: add some to dvc.yaml');
      out.line(opts.md ? `\`\`\`mermaid\n${text}\n\`\`\`` : text);
    });
}
