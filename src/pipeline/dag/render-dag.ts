import path from 'node:path';
import type { Stage } from '../model.js';
import type { Dag } from './build-dag.js';

/** Output formats of `paddock dag`. */
export type DagFormat = 'ascii' | 'mermaid' | 'dot' | 'json';

/**
 * Renders the DAG (or `targets` and their upstream) as boxes joined by `*` lines (as `dvc dag`
 * draws), Mermaid, Graphviz dot, or JSON `{stages, edges}`.
 */
export function renderDag(dag: Dag, format: DagFormat, options: { targets?: readonly string[]; root?: string } = {}): string {
  const stages = dag.topoOrder(options.targets);
  const included = new Set(stages);
  const edges = stages.flatMap((s) => dag.upstream(s.name).filter((p) => included.has(p)).map((p) => [p, s] as const));
  switch (format) {
    case 'mermaid': {
      const ids = new Map(stages.map((s, i) => [s, `node${i + 1}`]));
      return ['flowchart TD', ...stages.map((s) => `\t${ids.get(s)}["${s.name}"]`), ...edges.map(([a, b]) => `\t${ids.get(a)}-->${ids.get(b)}`)].join('\n');
    }
    case 'dot':
      return ['strict digraph  {', ...stages.map((s) => `${JSON.stringify(s.name)};`), ...edges.map(([a, b]) => `${JSON.stringify(a.name)} -> ${JSON.stringify(b.name)};`), '}'].join('\n');
    case 'json':
      return JSON.stringify(
        {
          stages: stages.map((s) => ({ name: s.name, file: options.root ? path.relative(options.root, s.file).split(path.sep).join('/') : s.file, ...(s.desc ? { desc: s.desc } : {}), cmd: s.cmd })),
          edges: edges.map(([a, b]) => ({ from: a.name, to: b.name })),
        },
        null,
        2,
      );
    default:
      return renderAscii(stages, edges);
  }
}

interface Box {
  readonly stage: Stage;
  readonly layer: number;
  x: number;
  readonly width: number;
}

const BOX_HEIGHT = 3;
const EDGE_ROWS = 3;
const GAP = 3;

/** Boxes in layers (longest path from a source), edges drawn as `*` lines between centres. */
function renderAscii(stages: readonly Stage[], edges: readonly (readonly [Stage, Stage])[]): string {
  if (stages.length === 0) return '';
  const parents = new Map<Stage, Stage[]>(stages.map((s) => [s, []]));
  for (const [a, b] of edges) parents.get(b)!.push(a);
  const layerOf = new Map<Stage, number>();
  for (const s of stages) layerOf.set(s, Math.max(-1, ...parents.get(s)!.map((p) => layerOf.get(p)!)) + 1);
  const layers: Box[][] = [];
  const boxes = new Map<Stage, Box>();
  for (const s of stages) {
    const box: Box = { stage: s, layer: layerOf.get(s)!, x: 0, width: s.name.length + 4 };
    (layers[box.layer] ??= []).push(box);
    boxes.set(s, box);
  }
  // Order each layer by the mean centre of its parents, so edges cross less.
  const centre = (b: Box) => b.x + Math.floor(b.width / 2);
  for (const layer of layers) {
    const key = (b: Box) => {
      const ps = parents.get(b.stage)!;
      return ps.length ? ps.reduce((sum, p) => sum + centre(boxes.get(p)!), 0) / ps.length : 0;
    };
    layer.sort((a, b) => key(a) - key(b));
    let x = 0;
    for (const b of layer) {
      b.x = x;
      x += b.width + GAP;
    }
  }
  const widthOf = (layer: Box[]) => layer.reduce((w, b) => w + b.width, 0) + GAP * (layer.length - 1);
  const width = Math.max(...layers.map(widthOf));
  for (const layer of layers) {
    const shift = Math.floor((width - widthOf(layer)) / 2);
    for (const b of layer) b.x += shift;
  }
  const top = (b: Box) => b.layer * (BOX_HEIGHT + EDGE_ROWS);
  const height = layers.length * (BOX_HEIGHT + EDGE_ROWS) - EDGE_ROWS;
  const canvas = Array.from({ length: height }, () => Array<string>(width).fill(' '));
  // Spread the ends of a box's edges along its border so parallel edges stay apart.
  const spread = (box: Box, others: readonly Box[], other: Box) => {
    const sorted = [...others].sort((p, q) => p.x - q.x);
    return box.x + Math.round(((sorted.indexOf(other) + 1) * box.width) / (sorted.length + 1));
  };
  const outOf = (s: Stage) => edges.filter(([a]) => a === s).map(([, b]) => boxes.get(b)!);
  const into = (s: Stage) => parents.get(s)!.map((p) => boxes.get(p)!);
  for (const [a, b] of edges) {
    const [ba, bb] = [boxes.get(a)!, boxes.get(b)!];
    line(canvas, spread(ba, outOf(a), bb), top(ba) + BOX_HEIGHT, spread(bb, into(b), ba), top(bb) - 1);
  }
  for (const b of boxes.values()) drawBox(canvas, b.x, top(b), b.stage.name);
  return canvas.map((row) => row.join('').trimEnd()).join('\n');
}

function line(canvas: string[][], x0: number, y0: number, x1: number, y1: number): void {
  const steps = Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0), 1);
  for (let i = 0; i <= steps; i++) {
    const x = Math.round(x0 + ((x1 - x0) * i) / steps);
    const y = Math.round(y0 + ((y1 - y0) * i) / steps);
    if (canvas[y]?.[x] === ' ') canvas[y]![x] = '*';
  }
}

function drawBox(canvas: string[][], x: number, y: number, label: string): void {
  const rows = [`+${'-'.repeat(label.length + 2)}+`, `| ${label} |`, `+${'-'.repeat(label.length + 2)}+`];
  rows.forEach((text, dy) => [...text].forEach((ch, dx) => (canvas[y + dy]![x + dx] = ch)));
}
