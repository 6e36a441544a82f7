/**
 * A layered layout for small DAGs (pipelines, lineage): each node's layer is its longest path
 * from a source, nodes within a layer are ordered by the mean position of their parents (one
 * sweep, enough for graphs of tens of nodes), and edges are cubic curves between layers.
 */
export interface GraphEdge {
  readonly from: string;
  readonly to: string;
}

export interface Placed {
  readonly id: string;
  readonly x: number;
  readonly y: number;
  readonly layer: number;
}

export interface LayoutOptions {
  readonly nodeWidth: number;
  readonly nodeHeight: number;
  readonly layerGap: number;
  readonly rowGap: number;
}

export interface Layout {
  readonly nodes: ReadonlyMap<string, Placed>;
  readonly width: number;
  readonly height: number;
}

/** Places `ids` left to right by layer; edges naming unknown ids are ignored, cycles are broken where found. */
export function layeredLayout(ids: readonly string[], edges: readonly GraphEdge[], options: LayoutOptions): Layout {
  const known = new Set(ids);
  const parents = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const e of edges) if (known.has(e.from) && known.has(e.to) && e.from !== e.to) parents.get(e.to)!.push(e.from);
  const layer = new Map<string, number>();
  const visiting = new Set<string>();
  const layerOf = (id: string): number => {
    const cached = layer.get(id);
    if (cached !== undefined) return cached;
    if (visiting.has(id)) return 0; // a cycle: break it here
    visiting.add(id);
    const l = Math.max(-1, ...parents.get(id)!.map(layerOf)) + 1;
    visiting.delete(id);
    layer.set(id, l);
    return l;
  };
  ids.forEach(layerOf);
  const layers: string[][] = [];
  for (const id of ids) (layers[layer.get(id)!] ??= []).push(id);
  const row = new Map<string, number>();
  layers.forEach((members, l) => {
    if (l > 0) {
      const key = (id: string) => {
        const ps = parents.get(id)!.filter((p) => row.has(p));
        return ps.length ? ps.reduce((sum, p) => sum + row.get(p)!, 0) / ps.length : Number.MAX_SAFE_INTEGER;
      };
      members.sort((a, b) => key(a) - key(b));
    }
    members.forEach((id, i) => row.set(id, i));
  });
  const tallest = Math.max(1, ...layers.map((m) => m.length));
  const height = tallest * options.nodeHeight + (tallest - 1) * options.rowGap;
  const nodes = new Map<string, Placed>();
  layers.forEach((members, l) => {
    const span = members.length * options.nodeHeight + (members.length - 1) * options.rowGap;
    const top = (height - span) / 2;
    members.forEach((id, i) => nodes.set(id, { id, layer: l, x: l * (options.nodeWidth + options.layerGap), y: top + i * (options.nodeHeight + options.rowGap) }));
  });
  const width = layers.length * options.nodeWidth + Math.max(0, layers.length - 1) * options.layerGap;
  return { nodes, width, height };
}

/** The SVG path of an edge from the right side of `a` to the left side of `b`. */
export function edgePath(a: Placed, b: Placed, options: Pick<LayoutOptions, 'nodeWidth' | 'nodeHeight'>): string {
  const x1 = a.x + options.nodeWidth;
  const y1 = a.y + options.nodeHeight / 2;
  const x2 = b.x;
  const y2 = b.y + options.nodeHeight / 2;
  const mid = (x1 + x2) / 2;
  return `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`;
}
