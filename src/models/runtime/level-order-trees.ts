/**
 * Shallow BRANCH_LEQ tree ensembles walked without branches: every tree is padded to one complete
 * binary tree of the ensemble's depth and stored level by level (node i's children are 2i + 1 and
 * 2i + 2), so a walk is `depth` identical steps, i = 2i + 2 − (x ≤ threshold), with no test for a
 * leaf and no jump the CPU can mispredict. A leaf above the bottom level is copied to every
 * bottom position under it; the padding nodes below it may go either way, since both ways reach
 * the same weight.
 *
 * Why: the walk decides a server's cost per request for the quickstart's gradient-boosted model
 * (100 trees of depth 6). The linked walk mispredicts about every other split: on varied rows this
 * one takes 1.3 µs a row against 2.8 µs for it (the flights model, the same scores); on one row
 * repeated, whose branches the CPU learns, 1.25 against 1.4.
 *
 * Only for rows without NaN: where a node sends missing values to its true child, NaN needs the
 * linked walk's test (row-ops.ts takes it for such rows). And only up to MAX_DEPTH levels: a
 * complete tree has 2^depth leaves, however few the real one has.
 */

/** Trees by their links, as row-ops.ts flattens them: per node, its feature, threshold, mode, children and (for leaves) weight. Built from only when every mode is BRANCH_LEQ or LEAF. */
export interface LinkedTrees {
  readonly roots: Int32Array;
  readonly feature: Int32Array;
  readonly threshold: Float32Array;
  /** row-ops.ts's mode numbers: 6 for a leaf, 0 for BRANCH_LEQ. */
  readonly mode: Uint8Array;
  readonly trueNext: Int32Array;
  readonly falseNext: Int32Array;
  readonly weight: Float32Array;
}

/** Every tree as a complete binary tree of `depth` levels, one after another. */
export interface LevelOrderTrees {
  readonly depth: number;
  readonly trees: number;
  /** The largest feature id read: a row must be longer. */
  readonly maxFeature: number;
  /** Per tree 2^depth − 1 split nodes: the feature each reads and its threshold (float32 values, as doubles). */
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  /** Per tree 2^depth leaf weights (float32 values, as doubles). */
  readonly leaf: Float64Array;
}

/** Deeper ensembles keep the linked walk: 2^depth leaves a tree would outgrow the caches. */
export const MAX_DEPTH = 8;

const LEAF = 6;

/**
 * The ensemble level by level, or undefined when a tree is deeper than MAX_DEPTH, a node is
 * reached twice (not a tree), or every tree is a single leaf (nothing to walk).
 */
export function levelOrderTrees(t: LinkedTrees): LevelOrderTrees | undefined {
  const depth = ensembleDepth(t);
  if (depth === undefined || depth === 0) return undefined;
  const inner = 2 ** depth - 1;
  const trees = t.roots.length;
  let maxFeature = 0;
  for (let i = 0; i < t.mode.length; i++) if (t.mode[i] !== LEAF) maxFeature = Math.max(maxFeature, t.feature[i]!);
  const out: LevelOrderTrees = { depth, trees, maxFeature, feature: new Int32Array(trees * inner), threshold: new Float64Array(trees * inner), leaf: new Float64Array(trees * (inner + 1)) };
  for (let k = 0; k < trees; k++) {
    // [node, position in its tree, level], depth first.
    const stack: [number, number, number][] = [[t.roots[k]!, 0, 0]];
    while (stack.length > 0) {
      const [i, pos, level] = stack.pop()!;
      if (t.mode[i] === LEAF) {
        // The bottom positions under `pos`: the leftmost, and 2^(depth − level) in a row from it.
        let first = pos;
        for (let l = level; l < depth; l++) first = 2 * first + 1;
        const at = k * (inner + 1) + first - inner;
        out.leaf.fill(t.weight[i]!, at, at + 2 ** (depth - level));
        continue;
      }
      out.feature[k * inner + pos] = t.feature[i]!;
      out.threshold[k * inner + pos] = t.threshold[i]!;
      stack.push([t.trueNext[i]!, 2 * pos + 1, level + 1], [t.falseNext[i]!, 2 * pos + 2, level + 1]);
    }
  }
  return out;
}

/** The deepest leaf's level, or undefined past MAX_DEPTH, when a node is reached twice or a feature id is negative. */
function ensembleDepth(t: LinkedTrees): number | undefined {
  const seen = new Uint8Array(t.mode.length);
  let depth = 0;
  for (const root of t.roots) {
    const stack: [number, number][] = [[root, 0]];
    while (stack.length > 0) {
      const [i, level] = stack.pop()!;
      if (seen[i] !== 0 || level > MAX_DEPTH) return undefined;
      seen[i] = 1;
      if (t.mode[i] === LEAF) depth = Math.max(depth, level);
      else if (t.feature[i]! < 0) return undefined;
      else stack.push([t.trueNext[i]!, level + 1], [t.falseNext[i]!, level + 1]);
    }
  }
  return depth;
}

/**
 * Copies `row` into `x` as doubles (a Float64Array read is cheaper in the walk than a Float32Array
 * one); false when it holds NaN (the linked walk then scores it) or is too short for the trees.
 */
export function levelOrderRow(t: LevelOrderTrees, row: Float32Array, x: Float64Array): boolean {
  if (row.length <= t.maxFeature || x.length < row.length) return false;
  for (let j = 0; j < row.length; j++) {
    const v = row[j]!;
    if (v !== v) return false;
    x[j] = v;
  }
  return true;
}

/** The sum of the leaves a row reaches, for one depth: (x, feature, threshold, leaf, trees) → score. */
type Walker = (x: Float64Array, feature: Int32Array, threshold: Float64Array, leaf: Float64Array, trees: number) => number;

/** One walker per depth, shared by every model of that depth. */
const walkers = new Map<number, Walker>();

/**
 * The walker for `depth` levels: `depth` identical steps written out, with the depth and the
 * per-tree sizes as literals. Written as source (only these integers go into it, never model
 * data) because V8 produced fast code for a closure over the depth only while one such closure
 * existed: the server compiles a model twice (both sigmoid roundings) and may serve several, and
 * then the same walk took 2.7 µs a row instead of 1.3.
 */
function walkerFor(depth: number): Walker {
  let walker = walkers.get(depth);
  if (walker === undefined) {
    if (!Number.isInteger(depth) || depth < 1 || depth > MAX_DEPTH) throw new RangeError(`a level-order walk has 1 to ${MAX_DEPTH} levels, not ${depth}`);
    const inner = (1 << depth) - 1;
    const step = 'i = 2 * i + 2 - +(x[feature[b + i]] <= threshold[b + i]);';
    const body = `let score = 0;
for (let k = 0, b = 0, l = 0; k < trees; k++, b += ${inner}, l += ${inner + 1}) {
  let i = 0;
  ${new Array<string>(depth).fill(step).join('\n  ')}
  score = Math.fround(score + leaf[l + i - ${inner}]);
}
return score;`;
    walker = new Function('x', 'feature', 'threshold', 'leaf', 'trees', body) as Walker;
    walkers.set(depth, walker);
  }
  return walker;
}

/**
 * The scorer of `t`: the sum of the leaves the row in `x` (levelOrderRow's copy) reaches, in tree
 * order, each addition rounded to float32, as the linked walks and onnxruntime add them.
 */
export function levelOrderSum(t: LevelOrderTrees): (x: Float64Array) => number {
  const walk = walkerFor(t.depth);
  const { feature, threshold, leaf, trees } = t;
  return (x) => walk(x, feature, threshold, leaf, trees);
}
