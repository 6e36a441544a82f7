import { useMemo, type KeyboardEvent } from 'react';
import './dag-graph.css';
import { edgePath, layeredLayout, type GraphEdge, type LayoutOptions } from './layout';

/** How a node is coloured: by status (good, bad, warn, running) or kind (neutral, accent). */
export type NodeTone = 'good' | 'bad' | 'warn' | 'running' | 'neutral' | 'accent';

export interface GraphNode {
  readonly id: string;
  readonly label: string;
  /** A second, smaller line (a status, a kind, a short hash). */
  readonly detail?: string;
  readonly tone?: NodeTone;
  /** Read by screen readers in place of label + detail. */
  readonly description?: string;
}

export interface DagGraphProps {
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
  /** Names the graph for assistive technology ("Pipeline stages", "Lineage of …"). */
  readonly label: string;
  readonly selected?: string;
  /** Nodes become buttons (click, Enter or Space) when given. */
  readonly onActivate?: (id: string) => void;
  readonly size?: Partial<LayoutOptions>;
}

const DEFAULTS: LayoutOptions = { nodeWidth: 180, nodeHeight: 46, layerGap: 56, rowGap: 18 };
const PAD = 8;

/** A directed graph drawn as SVG, layers left to right: pipelines and lineage both use it. */
export function DagGraph({ nodes, edges, label, selected, onActivate, size }: DagGraphProps) {
  const sizeKey = JSON.stringify(size ?? {});
  const options = useMemo<LayoutOptions>(() => ({ ...DEFAULTS, ...(JSON.parse(sizeKey) as Partial<LayoutOptions>) }), [sizeKey]);
  const layout = useMemo(() => layeredLayout(nodes.map((n) => n.id), edges, options), [nodes, edges, options]);
  const width = layout.width + PAD * 2;
  const height = layout.height + PAD * 2;
  const onKey = (id: string) => (event: KeyboardEvent) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      onActivate?.(id);
    }
  };
  return (
    <div className="dag-scroll">
      <svg className="dag" role="group" aria-label={label} width={width} height={height} viewBox={`0 0 ${width} ${height}`}>
        <defs>
          <marker id="dag-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M0,0 L10,5 L0,10 z" className="dag-arrow" />
          </marker>
        </defs>
        <g transform={`translate(${PAD},${PAD})`}>
          {edges.map((e) => {
            const a = layout.nodes.get(e.from);
            const b = layout.nodes.get(e.to);
            return a && b ? <path key={`${e.from}->${e.to}`} className="dag-edge" d={edgePath(a, b, options)} markerEnd="url(#dag-arrow)" /> : null;
          })}
          {nodes.map((n) => {
            const p = layout.nodes.get(n.id)!;
            const interactive = onActivate !== undefined;
            const name = n.description ?? (n.detail ? `${n.label}: ${n.detail}` : n.label);
            return (
              <g
                key={n.id}
                transform={`translate(${p.x},${p.y})`}
                className={`dag-node tone-${n.tone ?? 'neutral'}${selected === n.id ? ' selected' : ''}${interactive ? ' interactive' : ''}`}
                data-node={n.id}
                {...(interactive ? { role: 'button', tabIndex: 0, 'aria-label': name, 'aria-pressed': selected === n.id, onClick: () => onActivate(n.id), onKeyDown: onKey(n.id) } : { role: 'img', 'aria-label': name })}
              >
                <title>{name}</title>
                <rect width={options.nodeWidth} height={options.nodeHeight} rx="6" />
                <text x="10" y={n.detail ? 19 : options.nodeHeight / 2 + 4} className="dag-label">{clip(n.label, options.nodeWidth)}</text>
                {n.detail ? <text x="10" y="36" className="dag-detail">{clip(n.detail, options.nodeWidth)}</text> : null}
              </g>
            );
          })}
        </g>
      </svg>
    </div>
  );
}

/** Keeps a label inside its box (about 7 px a character at 13 px). */
function clip(text: string, width: number): string {
  const max = Math.floor((width - 20) / 7);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
