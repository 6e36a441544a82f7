/**
 * The operators the single-row evaluator knows, each computing what onnxruntime's CPU kernel
 * computes for one row, in float32 with the same order of operations (every intermediate
 * rounded with Math.fround: float32 +, −, ×, ÷ done in double and rounded once are exact, since
 * double has more than twice float32's precision). Whether the results really are onnxruntime's,
 * bit for bit, is not assumed: row-evaluator.ts checks them against the runtime before use.
 */
import { levelOrderRow, levelOrderSum, levelOrderTrees, type LinkedTrees } from './level-order-trees.js';
import type { OnnxAttribute, OnnxNode, OnnxTensorValue } from './onnx-reader.js';

/** A value flowing through the graph: float32, int64 (as numbers), bool or string data. */
export interface RowValue {
  readonly type: 'float32' | 'int64' | 'bool' | 'string';
  readonly data: Float32Array | readonly number[] | readonly string[];
  readonly dims: readonly number[];
}

/** A compiled operator: input values → output values. */
export type RowOp = (inputs: readonly (RowValue | undefined)[]) => RowValue[];

/** How Sigmoid rounds: onnxruntime's MLAS kernel uses fused multiply-adds where the CPU has them. */
export type SigmoidVariant = 'fma' | 'plain';

const f = Math.fround;

/** An unsupported graph: the evaluator is not used, onnxruntime runs it. */
export class Unsupported extends Error {}

function attr(node: OnnxNode, name: string): OnnxAttribute | undefined {
  return node.attributes.get(name);
}

const MODES: Record<string, number> = { BRANCH_LEQ: 0, BRANCH_LT: 1, BRANCH_GTE: 2, BRANCH_GT: 3, BRANCH_EQ: 4, BRANCH_NEQ: 5, LEAF: 6 };

/** Trees as flat arrays: per node, its feature, threshold, mode (any of MODES), children, missing-value flag and (for leaves) weight. */
interface FlatEnsemble extends LinkedTrees {
  readonly missingTrue: Uint8Array;
}

/**
 * The trees as the hot walks read them: a node is two 32-bit words of one buffer, so a step reads
 * one cache line, not one per attribute array (a server's requests find the trees evicted by the
 * network work between them), and, with the nodes of a tree laid out depth first, the true child
 * (always the next node) and near the leaves the false child are usually in that same line.
 * At word offset o:
 *   words[o]      LEAF (negative) for a leaf; for a branch, feature | mode << 13 | (missing
 *                 values go true) << 16 | (false child's distance, in nodes) << 17;
 *   values[o + 1] the threshold, or for a leaf its weight.
 */
interface CompactEnsemble {
  /** Word offset of each tree's root, in tree order. */
  readonly roots: Int32Array;
  readonly words: Int32Array;
  readonly values: Float32Array;
}

const LEAF = -1;
const FEATURE_MASK = 0x1fff;
const MODE_SHIFT = 13;
const MISSING_TRUE = 1 << 16;
const FALSE_SHIFT = 17;
const MAX_FALSE_DISTANCE = 0x3fff;

/** TreeEnsembleRegressor, one target, SUM, no post-transform: base + Σ leaves in tree order, in float32. */
export function treeEnsembleRegressor(node: OnnxNode): RowOp {
  const score = treeEnsembleScorer(node);
  return ([x]) => [{ type: 'float32', data: Float32Array.of(score(x!.data as Float32Array)), dims: [1, 1] }];
}

/** The regressor's one score for a row, as a plain function (the fused binary classifier calls it directly). */
export function treeEnsembleScorer(node: OnnxNode): (row: Float32Array) => number {
  const check = (name: string, ok: boolean) => {
    if (!ok) throw new Unsupported(`TreeEnsembleRegressor ${name}`);
  };
  check('n_targets', (attr(node, 'n_targets')?.i ?? 1) === 1);
  check('aggregate_function', (attr(node, 'aggregate_function')?.s ?? 'SUM') === 'SUM');
  check('post_transform', (attr(node, 'post_transform')?.s ?? 'NONE') === 'NONE');
  const base = attr(node, 'base_values')?.floats ?? [];
  check('base_values', base.length <= 1);
  const flat = flatten(node, 'target');
  const origin = f(base[0] ?? 0);
  // Every branch `x <= v` (as Paddock's and most exporters write trees): no mode to dispatch on.
  const leq = flat.mode.every((m) => m === 0 || m === 6);
  const linked = linkedScorer(flat, leq, origin);
  const level = leq ? levelOrderTrees(flat) : undefined;
  if (!level) return linked;
  // Shallow trees walk without branches; a row with NaN takes the linked walk (missing-value tracking).
  const sum = levelOrderSum(level);
  let scratch = new Float64Array(level.maxFeature + 1);
  return (row) => {
    if (scratch.length < row.length) scratch = new Float64Array(row.length);
    return levelOrderRow(level, row, scratch) ? f(sum(scratch) + origin) : linked(row);
  };
}

/** The ensemble's score walking its trees by their links: the compact layout when it fits, else the flat arrays. */
function linkedScorer(flat: FlatEnsemble, leq: boolean, origin: number): (row: Float32Array) => number {
  const trees = compact(flat);
  if (trees) {
    const { roots, values } = trees;
    if (leq) {
      return (row) => {
        let score = 0;
        for (let t = 0; t < roots.length; t++) score = f(score + values[leqLeafAt(trees, roots[t]!, row) + 1]!);
        return f(score + origin);
      };
    }
    return (row) => {
      let score = 0;
      for (let t = 0; t < roots.length; t++) score = f(score + values[leafAt(trees, roots[t]!, row) + 1]!);
      return f(score + origin);
    };
  }
  // Trees the compact layout cannot hold (a node with two parents, a far false child, a feature past 8191).
  const { roots, weight } = flat;
  if (leq) {
    return (row) => {
      let score = 0;
      for (let t = 0; t < roots.length; t++) score = f(score + weight[leqLeafOf(flat, roots[t]!, row)]!);
      return f(score + origin);
    };
  }
  return (row) => {
    let score = 0;
    for (let t = 0; t < roots.length; t++) score = f(score + weight[leafOf(flat, roots[t]!, row)]!);
    return f(score + origin);
  };
}

/** leafAt for trees whose branches are all BRANCH_LEQ: the same leaf, NaN included (false unless tracked as true). */
function leqLeafAt(t: CompactEnsemble, root: number, row: Float32Array): number {
  const { words, values } = t;
  let o = root;
  let node = words[o]!;
  while (node >= 0) {
    const x = row[node & FEATURE_MASK]!;
    o = x <= values[o + 1]! || (x !== x && (node & MISSING_TRUE) !== 0) ? o + 2 : o + ((node >>> FALSE_SHIFT) << 1);
    node = words[o]!;
  }
  return o;
}

/** The word offset of the leaf `row` reaches from the root at `root`. */
function leafAt(t: CompactEnsemble, root: number, row: Float32Array): number {
  const { words, values } = t;
  let o = root;
  for (;;) {
    const node = words[o]!;
    if (node < 0) return o;
    const x = row[node & FEATURE_MASK]!;
    const v = values[o + 1]!;
    o = goesTrue((node >>> MODE_SHIFT) & 7, x, v, (node & MISSING_TRUE) !== 0) ? o + 2 : o + ((node >>> FALSE_SHIFT) << 1);
  }
}

/**
 * The flat arrays in the compact layout: the nodes reachable from the roots, each tree depth
 * first with the true child right after its parent. Undefined when a node is reached twice (no
 * tree), a false child is more than MAX_FALSE_DISTANCE nodes on, or a feature id does not fit.
 */
function compact(t: FlatEnsemble): CompactEnsemble | undefined {
  const place = new Int32Array(t.mode.length).fill(-1);
  const order: number[] = [];
  const stack: number[] = [];
  for (const root of t.roots) {
    stack.push(root);
    while (stack.length > 0) {
      const i = stack.pop()!;
      if (place[i] !== -1) return undefined;
      place[i] = order.length;
      order.push(i);
      if (t.mode[i] !== 6) stack.push(t.falseNext[i]!, t.trueNext[i]!);
    }
  }
  const buffer = new ArrayBuffer(order.length * 8);
  const words = new Int32Array(buffer);
  const values = new Float32Array(buffer);
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    const mode = t.mode[i]!;
    if (mode === 6) {
      words[2 * k] = LEAF;
      values[2 * k + 1] = t.weight[i]!;
      continue;
    }
    const feature = t.feature[i]!;
    const distance = place[t.falseNext[i]!]! - k;
    // The true child follows its parent (pushed last, so popped next, and never placed before).
    if (feature < 0 || feature > FEATURE_MASK || distance > MAX_FALSE_DISTANCE || place[t.trueNext[i]!] !== k + 1) return undefined;
    words[2 * k] = feature | (mode << MODE_SHIFT) | (t.missingTrue[i] !== 0 ? MISSING_TRUE : 0) | (distance << FALSE_SHIFT);
    values[2 * k + 1] = t.threshold[i]!;
  }
  return { roots: Int32Array.from(t.roots, (r) => 2 * place[r]!), words, values };
}

/** leafOf for trees whose branches are all BRANCH_LEQ: the same leaf, NaN included (false unless tracked as true). */
function leqLeafOf(t: FlatEnsemble, root: number, row: Float32Array): number {
  const { mode, feature, threshold, trueNext, falseNext, missingTrue } = t;
  let i = root;
  while (mode[i] !== 6) {
    const x = row[feature[i]!]!;
    i = x <= threshold[i]! || (x !== x && missingTrue[i] !== 0) ? trueNext[i]! : falseNext[i]!;
  }
  return i;
}

function leafOf(t: FlatEnsemble, root: number, row: Float32Array): number {
  let i = root;
  for (;;) {
    const mode = t.mode[i]!;
    if (mode === 6) return i;
    const x = row[t.feature[i]!]!;
    const v = t.threshold[i]!;
    i = goesTrue(mode, x, v, t.missingTrue[i] !== 0) ? t.trueNext[i]! : t.falseNext[i]!;
  }
}

/** Whether `x` goes to the true child of a branch with this mode (0–5: LEQ, LT, GTE, GT, EQ, NEQ); NaN goes true only when tracked. */
function goesTrue(mode: number, x: number, v: number, missingTrue: boolean): boolean {
  if (x !== x && missingTrue) return true;
  if (mode === 0) return x <= v;
  if (mode === 1) return x < v;
  if (mode === 2) return x >= v;
  if (mode === 3) return x > v;
  if (mode === 4) return x === v;
  return x !== v;
}

/** nodes_* and `<prefix>_*` leaf attributes → flat arrays indexed by attribute position. */
function flatten(node: OnnxNode, prefix: 'target' | 'class'): FlatEnsemble {
  const ints = (name: string) => attr(node, name)?.ints ?? [];
  const treeIds = ints('nodes_treeids');
  const nodeIds = ints('nodes_nodeids');
  const n = treeIds.length;
  const modes = attr(node, 'nodes_modes')?.strings ?? [];
  const values = attr(node, 'nodes_values')?.floats;
  const features = ints('nodes_featureids');
  const trueIds = ints('nodes_truenodeids');
  const falseIds = ints('nodes_falsenodeids');
  const tracks = ints('nodes_missing_value_tracks_true');
  if (!values || [nodeIds, modes, values, features, trueIds, falseIds].some((a) => a.length !== n) || (tracks.length !== 0 && tracks.length !== n)) {
    throw new Unsupported('tree attributes of different lengths (or nodes_values_as_tensor)');
  }
  const index = new Map<string, number>();
  for (let i = 0; i < n; i++) index.set(`${treeIds[i]}/${nodeIds[i]}`, i);
  const at = (tree: number, id: number): number => {
    const i = index.get(`${tree}/${id}`);
    if (i === undefined) throw new Unsupported(`tree ${tree} has no node ${id}`);
    return i;
  };
  const flat: FlatEnsemble = {
    roots: new Int32Array(0), feature: Int32Array.from(features), threshold: Float32Array.from(values), mode: new Uint8Array(n),
    trueNext: new Int32Array(n), falseNext: new Int32Array(n), missingTrue: Uint8Array.from(tracks.length ? tracks : new Array<number>(n).fill(0)), weight: new Float32Array(n),
  };
  const roots: number[] = [];
  const seen = new Set<number>();
  for (let i = 0; i < n; i++) {
    // Own keys only: 'constructor' or '__proto__' is no mode.
    const mode = Object.hasOwn(MODES, modes[i]!) ? MODES[modes[i]!] : undefined;
    if (mode === undefined) throw new Unsupported(`node mode ${modes[i]}`);
    flat.mode[i] = mode;
    if (mode !== 6) {
      // Int32Array.from would wrap a larger id onto another feature.
      if (!Number.isInteger(features[i]) || Math.abs(features[i]!) >= 2 ** 31) throw new Unsupported(`feature id ${features[i]}`);
      flat.trueNext[i] = at(treeIds[i]!, trueIds[i]!);
      flat.falseNext[i] = at(treeIds[i]!, falseIds[i]!);
    }
    // A tree's root is its first node listed, as onnxruntime takes it.
    if (!seen.has(treeIds[i]!)) {
      seen.add(treeIds[i]!);
      roots.push(i);
    }
  }
  const leafTrees = ints(`${prefix}_treeids`);
  const leafNodes = ints(`${prefix}_nodeids`);
  const leafIds = ints(`${prefix}_ids`);
  const weights = attr(node, `${prefix}_weights`)?.floats ?? [];
  const weighted = new Set<number>();
  for (let k = 0; k < leafTrees.length; k++) {
    const i = at(leafTrees[k]!, leafNodes[k]!);
    // One weight per leaf, for target 0: anything else sums several weights per leaf, whose order onnxruntime decides.
    if (weighted.has(i) || leafIds[k] !== 0) throw new Unsupported('several weights per leaf');
    weighted.add(i);
    flat.weight[i] = weights[k]!;
  }
  return { ...flat, roots: Int32Array.from(roots) };
}

// MLAS's coefficients, rounded to float32 once (not per call: this runs twice a request).
const [A9, A7, A5, A3, A1] = [4.37031012579801e-11, 1.15627324459942e-7, 6.08574864600143e-5, 8.51377133304701e-3, 2.48287947061529e-1].map(f) as [number, number, number, number, number];
const [B10, B8, B6, B4, B2, B0] = [6.10247389755681e-13, 5.76102136993427e-9, 6.29106785017040e-6, 1.70198817374094e-3, 1.16817656904453e-1, 9.93151921023180e-1].map(f) as [number, number, number, number, number, number];

/** a × b + c in float32: fused (one rounding) or as two roundings. */
const madd = (fused: boolean, a: number, b: number, c: number): number => (fused ? fmaf(a, b, c) : f(f(a * b) + c));

/** onnxruntime's (MLAS's) rational approximation of the logistic function, in float32. */
export function mlasLogistic(x: number, variant: SigmoidVariant): number {
  const fused = variant === 'fma';
  const v = Math.min(18, Math.max(-18, x));
  const v2 = f(v * v);
  let p = madd(fused, v2, A9, A7);
  p = madd(fused, p, v2, A5);
  p = madd(fused, p, v2, A3);
  p = madd(fused, p, v2, A1);
  p = f(p * v);
  let q = madd(fused, v2, B10, B8);
  q = madd(fused, q, v2, B6);
  q = madd(fused, q, v2, B4);
  q = madd(fused, q, v2, B2);
  q = madd(fused, q, v2, B0);
  return Number.isNaN(x) ? x : f(f(p / q) + 0.5);
}

const F32 = new Float32Array(1);
const I32 = new Int32Array(F32.buffer);

/** The float32 next to finite `x` (a float32) towards +∞ (dir 1) or −∞ (dir −1). */
export function nextFloat32(x: number, dir: 1 | -1): number {
  if (x === 0) return dir * 2 ** -149;
  F32[0] = x;
  I32[0] = I32[0]! + ((x > 0) === (dir > 0) ? 1 : -1);
  return F32[0];
}

/**
 * A float32 fused multiply-add, a × b + c rounded once: a × b of two float32s is exact in double;
 * the sum rounded to double and then to float32 is right unless it lands exactly halfway between
 * two float32s, where the sum's rounding error (TwoSum) says which way the exact value lies.
 */
export function fmaf(a: number, b: number, c: number): number {
  const p = a * b;
  const s = p + c;
  const r = f(s);
  if (r === s || !Number.isFinite(s)) return r;
  const bb = s - p;
  const err = p - (s - bb) + (c - bb);
  if (err === 0) return r;
  const other = nextFloat32(r, r < s ? 1 : -1);
  if ((r + other) / 2 !== s) return r;
  // Exactly halfway in double, not in exact arithmetic: the error says which neighbour is nearer.
  const up = err > 0;
  return up === (other > r) ? other : r;
}

/** A float32 value [1, k] from an initializer, for broadcasting. */
export function constantValue(t: OnnxTensorValue): RowValue {
  const dims = [...t.dims];
  if (t.dataType === 1) return { type: 'float32', data: Float32Array.from(t.values as number[]), dims };
  if (t.dataType === 7 || t.dataType === 6) return { type: 'int64', data: [...(t.values as number[])], dims };
  if (t.dataType === 8) return { type: 'string', data: [...(t.values as string[])], dims };
  throw new Unsupported(`initializer data type ${t.dataType}`);
}

function elementwise(fn: (x: number) => number): RowOp {
  return ([x]) => {
    if (x?.type !== 'float32') throw new Unsupported('elementwise op on non-float input');
    return [{ type: 'float32', data: (x.data as Float32Array).map(fn), dims: x.dims }];
  };
}

/** The standard-domain operators of the binary-classification head, and a few like them. */
export function standardOp(node: OnnxNode, sigmoid: SigmoidVariant): RowOp {
  switch (node.opType) {
    case 'Neg':
      return elementwise((x) => -x);
    case 'Sigmoid':
      return elementwise((x) => mlasLogistic(x, sigmoid));
    case 'Identity':
      return ([x]) => [x!];
    case 'Concat': {
      const axis = attr(node, 'axis')?.i;
      return (inputs) => {
        const [first] = inputs;
        if (first === undefined || first.type !== 'float32' || first.dims.length !== 2 || (axis !== 1 && axis !== -1)) throw new Unsupported('Concat other than float32 rows on axis 1');
        const data = new Float32Array(inputs.reduce((n, v) => n + v!.data.length, 0));
        let at = 0;
        for (const v of inputs) {
          data.set(v!.data as Float32Array, at);
          at += v!.data.length;
        }
        return [{ type: 'float32', data, dims: [1, data.length] }];
      };
    }
    case 'Greater':
      return ([a, b]) => {
        if (a?.type !== 'float32' || b?.type !== 'float32' || b.data.length !== 1) throw new Unsupported('Greater other than float32 against a scalar');
        const t = (b.data as Float32Array)[0]!;
        return [{ type: 'bool', data: Array.from(a.data as Float32Array, (x) => (x > t ? 1 : 0)), dims: a.dims }];
      };
    case 'Cast': {
      const to = attr(node, 'to')?.i;
      return ([x]) => {
        if (to === 7 && (x?.type === 'bool' || x?.type === 'int64')) return [{ type: 'int64', data: x.data, dims: x.dims }];
        if (to === 1 && x && x.type !== 'string') return [{ type: 'float32', data: Float32Array.from(x.data as ArrayLike<number>), dims: x.dims }];
        throw new Unsupported(`Cast to ${to}`);
      };
    }
    case 'Reshape':
      return ([x, shape]) => {
        const want = shape?.data as readonly number[];
        if (!x || !want || want.some((d) => d === 0) || want.filter((d) => d === -1).length > 1) throw new Unsupported('Reshape with 0 dims');
        const known = want.reduce((n, d) => (d === -1 ? n : n * d), 1);
        return [{ ...x, dims: want.map((d) => (d === -1 ? x.data.length / known : d)) }];
      };
    case 'Gather':
      return ([data, indices]) => {
        if ((attr(node, 'axis')?.i ?? 0) !== 0 || !data || data.dims.length !== 1 || indices?.type !== 'int64') throw new Unsupported('Gather other than axis 0 of a vector');
        const src = data.data as readonly (number | string)[];
        const picked = (indices.data as readonly number[]).map((i) => src[i < 0 ? i + src.length : i]!);
        return [{ type: data.type, data: data.type === 'float32' ? Float32Array.from(picked as number[]) : picked, dims: indices.dims } as RowValue];
      };
    default:
      throw new Unsupported(`operator ${node.opType}`);
  }
}
