/**
 * Growing one regression tree on gradients/hessians, depth-wise (level by level). Each split
 * builds the histogram of the smaller child only and gets the larger one by subtracting from
 * the parent's, so a level costs at most half the node's rows per feature.
 *
 * Partitions move row ids only; before a histogram of several column words the node's gradients
 * are gathered next to each other (with one word, the single pass reads them in place). Moving
 * gradients or bins with every partition was measured slower, twice: a level partitions all
 * rows but builds histograms for at most half of them, and the moves are memory-bound.
 */
import type { BinnedMatrix } from './gbdt-binning.js';
import { activeQuads, unpackBundles, type HistogramColumns } from './gbdt-bundling.js';
import type { Tree } from './fitted-model.js';
import { buildHistogram, findBestSplit, subtractHistogram, type OrderedRows, type SplitCandidate, type SplitRules } from './gbdt-histogram.js';

/** Tree-shape settings. */
export interface GrowOptions extends SplitRules {
  readonly maxDepth: number;
  readonly learningRate: number;
}

/** A grown tree with what the booster needs to update its predictions cheaply. */
export interface GrownTree {
  readonly tree: Tree;
  /** Per node, the bin threshold (−1 for leaves): the tree in bin space. */
  readonly binThreshold: Int32Array;
  /** Per node, the range of `idx` (after partitioning) holding its rows. */
  readonly start: Int32Array;
  readonly end: Int32Array;
}

/** Scratch buffers reused across trees (allocation per tree would churn the GC). */
export class GrowWorkspace implements OrderedRows {
  /** Row ids in node order; after growing, each node's rows are idx[start..end). */
  readonly idx: Uint32Array;
  /** Gradients/hessians of idx[i] at position i, for the node whose histogram is being built. */
  readonly g: Float64Array;
  readonly h: Float64Array;
  readonly byRow = false;
  /** Partition scratch: rows going right wait here, then are copied after the lefts. */
  readonly tIdx: Uint32Array;
  grad: Float64Array = new Float64Array(0);
  hess: Float64Array = new Float64Array(0);
  private readonly pool: Float64Array[] = [];
  private readonly histSize: number;

  constructor(
    readonly binned: BinnedMatrix,
    readonly columns: HistogramColumns,
  ) {
    const n = binned.rows;
    this.idx = new Uint32Array(n);
    this.g = new Float64Array(n);
    this.h = new Float64Array(n);
    this.tIdx = new Uint32Array(n);
    this.histSize = columns.histSize;
  }

  /** Starts a tree on the sampled rows (ascending), with the gradients it fits. */
  load(sample: Uint32Array, n: number, grad: Float64Array, hess: Float64Array, gatherRoot: boolean): void {
    this.grad = grad;
    this.hess = hess;
    this.idx.set(sample.subarray(0, n));
    if (gatherRoot) this.gather(0, n);
  }

  /**
   * Copies the gradients of positions [start, end) next to each other, so the histogram's
   * per-feature passes read them sequentially rather than gathering on every pass.
   */
  gather(start: number, end: number): void {
    const { idx, g, h, grad, hess } = this;
    for (let i = start; i < end; i++) {
      const row = idx[i]!;
      g[i] = grad[row]!;
      h[i] = hess[row]!;
    }
  }

  take(): Float64Array {
    return this.pool.pop() ?? new Float64Array(this.histSize);
  }

  give(hist: Float64Array | undefined): void {
    if (hist) this.pool.push(hist);
  }
}

interface OpenNode {
  readonly id: number;
  readonly start: number;
  readonly end: number;
  readonly g: number;
  readonly h: number;
  readonly depth: number;
  hist: Float64Array | undefined;
  split: SplitCandidate | undefined;
}

/** Growable node arrays. */
class NodeList {
  readonly feature: number[] = [];
  readonly threshold: number[] = [];
  readonly binThreshold: number[] = [];
  readonly left: number[] = [];
  readonly right: number[] = [];
  readonly value: number[] = [];
  readonly start: number[] = [];
  readonly end: number[] = [];

  add(start: number, end: number): number {
    this.feature.push(-1);
    this.threshold.push(0);
    this.binThreshold.push(-1);
    this.left.push(-1);
    this.right.push(-1);
    this.value.push(0);
    this.start.push(start);
    this.end.push(end);
    return this.feature.length - 1;
  }
}

/**
 * Grows a tree on the rows sample[0..n) (ascending). Afterwards ws.idx holds them in node order:
 * each node's rows are ws.idx[start..end). Leaf value = −G/(H + l2) × learning_rate.
 */
export function growTree(ws: GrowWorkspace, grad: Float64Array, hess: Float64Array, sample: Uint32Array, n: number, active: Int32Array, options: GrowOptions): GrownTree {
  const { binned, columns } = ws;
  const cols = activeQuads(columns, active);
  const byRowRows: OrderedRows | undefined = cols.length <= 1 ? { idx: ws.idx, g: grad, h: hess, byRow: true } : undefined;
  const ctx: TreeContext = { ws, binned, columns, active, cols, options, byRow: byRowRows };
  // With every row sampled, position i is row i: the root reads the gradients in place.
  // With every row sampled, position i is row i: the root reads the gradients in place. With
  // one word of columns a histogram is one pass, so no node gathers its gradients.
  const direct = n === binned.rows;
  const byRow = ctx.byRow !== undefined;
  ws.load(sample, n, grad, hess, !direct && !byRow);
  const rootRows: OrderedRows = direct || byRow ? { idx: ws.idx, g: grad, h: hess, byRow: !direct } : ws;
  const nodes = new NodeList();
  let g = 0;
  let h = 0;
  for (let i = 0; i < n; i++) {
    const at = rootRows.byRow ? rootRows.idx[i]! : i;
    g += rootRows.g[at]!;
    h += rootRows.h[at]!;
  }
  const root: OpenNode = { id: nodes.add(0, n), start: 0, end: n, g, h, depth: 0, hist: undefined, split: undefined };
  if (splittable(root, options)) {
    root.hist = ws.take();
    histogram(ctx, root.hist, rootRows, 0, n, g, h);
    root.split = findBestSplit(root.hist, binned, active, g, h, n, options);
  }
  let frontier: OpenNode[] = [root];
  while (frontier.length > 0) {
    const next: OpenNode[] = [];
    for (const node of frontier) {
      if (!node.split) {
        nodes.value[node.id] = (-node.g / (node.h + options.l2)) * options.learningRate;
        ws.give(node.hist);
        continue;
      }
      next.push(...splitNode(ctx, nodes, node));
    }
    frontier = next;
  }
  return {
    tree: {
      feature: Int32Array.from(nodes.feature),
      threshold: Float64Array.from(nodes.threshold),
      left: Int32Array.from(nodes.left),
      right: Int32Array.from(nodes.right),
      value: Float64Array.from(nodes.value),
    },
    binThreshold: Int32Array.from(nodes.binThreshold),
    start: Int32Array.from(nodes.start),
    end: Int32Array.from(nodes.end),
  };
}

function splittable(node: OpenNode, options: GrowOptions): boolean {
  return node.depth < options.maxDepth && node.end - node.start >= 2 * options.minSamplesLeaf;
}

/** What every node of one tree shares. */
interface TreeContext {
  readonly ws: GrowWorkspace;
  readonly binned: BinnedMatrix;
  readonly columns: HistogramColumns;
  /** Features this tree may split on, and the histogram columns holding them. */
  readonly active: Int32Array;
  readonly cols: Int32Array;
  readonly options: GrowOptions;
  /** The rows with gradients read in place (see OrderedRows), or undefined to gather them per node. */
  readonly byRow: OrderedRows | undefined;
}

/** The per-feature histogram of ordered rows [start, end), whose sums are g, h. */
function histogram(ctx: TreeContext, hist: Float64Array, rows: OrderedRows, start: number, end: number, g: number, h: number): void {
  buildHistogram(hist, ctx.columns, rows, start, end, ctx.cols);
  unpackBundles(hist, ctx.binned, ctx.columns, ctx.active, g, h, end - start);
}

/** Partitions the node's rows, records the split, and opens both children (with their splits). */
function splitNode(ctx: TreeContext, nodes: NodeList, node: OpenNode): OpenNode[] {
  const { ws, binned, active, options } = ctx;
  const split = node.split!;
  const depth = node.depth + 1;
  const mid = partition(ws, binned, node.start, node.end, split.feature, split.bin);
  const leftId = nodes.add(node.start, mid);
  const rightId = nodes.add(mid, node.end);
  nodes.feature[node.id] = split.feature;
  nodes.threshold[node.id] = binned.edges[split.feature]![split.bin]!;
  nodes.binThreshold[node.id] = split.bin;
  nodes.left[node.id] = leftId;
  nodes.right[node.id] = rightId;
  const left: OpenNode = { id: leftId, start: node.start, end: mid, g: split.gl, h: split.hl, depth, hist: undefined, split: undefined };
  const right: OpenNode = { id: rightId, start: mid, end: node.end, g: node.g - split.gl, h: node.h - split.hl, depth, hist: undefined, split: undefined };
  const children = [left, right];
  if (!splittable(left, options) && !splittable(right, options)) {
    ws.give(node.hist);
    return children;
  }
  const [small, large] = mid - node.start <= node.end - mid ? [left, right] : [right, left];
  small.hist = ws.take();
  if (!ctx.byRow) ws.gather(small.start, small.end);
  histogram(ctx, small.hist, ctx.byRow ?? ws, small.start, small.end, small.g, small.h);
  subtractHistogram(node.hist!, small.hist, binned, active);
  large.hist = node.hist;
  for (const child of children) {
    if (splittable(child, options)) child.split = findBestSplit(child.hist!, binned, active, child.g, child.h, child.end - child.start, options);
    if (!child.split) {
      ws.give(child.hist);
      child.hist = undefined;
    }
  }
  return children;
}

/** Stable partition of ws.idx[start..end) into bin ≤ threshold, then the rest; returns the boundary. */
function partition(ws: GrowWorkspace, binned: BinnedMatrix, start: number, end: number, feature: number, threshold: number): number {
  const { idx, tIdx } = ws;
  const bins = binned.bins;
  const col = feature * binned.rows;
  let l = start;
  let r = 0;
  // Branch-free: the side a row goes to is as good as random, so a branch would mispredict
  // half the time. Writing slot l is safe: l ≤ i, a slot already read.
  for (let i = start; i < end; i++) {
    const row = idx[i]!;
    const right = (threshold - bins[col + row]!) >>> 31;
    idx[l] = row;
    tIdx[r] = row;
    l += 1 - right;
    r += right;
  }
  idx.set(tIdx.subarray(0, r), l);
  return l;
}

/** The leaf a row of the binned matrix reaches (the tree in bin space). */
export function leafOfBinnedRow(grown: GrownTree, binned: BinnedMatrix, row: number): number {
  const { feature, left, right } = grown.tree;
  const thr = grown.binThreshold;
  let node = 0;
  while (feature[node]! >= 0) {
    node = binned.bins[feature[node]! * binned.rows + row]! <= thr[node]! ? left[node]! : right[node]!;
  }
  return node;
}
