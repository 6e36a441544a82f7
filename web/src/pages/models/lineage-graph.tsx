import { useNavigate } from 'react-router';
import { DagGraph, type GraphNode } from '../../graph/dag-graph';
import type { Lineage } from './model-types';

/**
 * A version's lineage as a graph, read left to right: data inputs, commit and pipeline stage →
 * run → version. Nodes that have a page (data, run, stage) open it.
 */
export function LineageGraph({ lineage }: { lineage: Lineage }) {
  const navigate = useNavigate();
  const version = `version:${lineage.version}`;
  const nodes: (GraphNode & { href?: string })[] = [];
  const edges: { from: string; to: string }[] = [];
  const run = lineage.runId ? `run:${lineage.runId}` : undefined;
  const into = run ?? version;
  for (const input of lineage.inputs) {
    const id = `data:${input.name}:${input.digest}`;
    nodes.push({ id, label: input.source || input.name, detail: `data md5 ${input.digest.slice(0, 8)}`, tone: 'accent', description: `Data ${input.source || input.name}, md5 ${input.digest}`, href: `/data?path=${encodeURIComponent(input.source || input.name)}` });
    edges.push({ from: id, to: into });
  }
  if (lineage.gitCommit) {
    nodes.push({ id: 'commit', label: `commit ${lineage.gitCommit.slice(0, 8)}`, detail: lineage.gitDirty ? 'with uncommitted changes' : 'code', tone: lineage.gitDirty ? 'warn' : 'neutral', description: `Git commit ${lineage.gitCommit}${lineage.gitDirty ? ' (dirty)' : ''}` });
    edges.push({ from: 'commit', to: into });
  }
  if (lineage.stage) {
    nodes.push({ id: 'stage', label: `stage ${lineage.stage}`, detail: 'pipeline', tone: 'neutral', description: `Pipeline stage ${lineage.stage}`, href: `/pipelines?stage=${encodeURIComponent(lineage.stage)}` });
    edges.push({ from: 'stage', to: into });
  }
  if (run) {
    nodes.push({ id: run, label: `run ${lineage.runId!.slice(0, 8)}`, detail: lineage.runMissing ? 'purged from tracking' : 'training run', tone: lineage.runMissing ? 'bad' : 'neutral', description: `Run ${lineage.runId}${lineage.runMissing ? ' (purged)' : ''}`, ...(lineage.runMissing ? {} : { href: `/runs/${lineage.runId}` }) });
    edges.push({ from: run, to: version });
  }
  nodes.push({ id: version, label: `${lineage.model} v${lineage.version}`, detail: 'model version', tone: 'good', description: `Model ${lineage.model} version ${lineage.version}` });
  const hrefs = new Map(nodes.flatMap((n) => (n.href ? [[n.id, n.href] as const] : [])));
  return (
    <DagGraph
      label={`Lineage of ${lineage.model} version ${lineage.version}`}
      nodes={nodes}
      edges={edges}
      onActivate={(id) => {
        const href = hrefs.get(id);
        if (href) navigate(href);
      }}
      size={{ nodeWidth: 200 }}
    />
  );
}
