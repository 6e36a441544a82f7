/**
 * The histogram half of gradient boosting: per-node gradient/hessian histograms over the bins,
 * and the best split they allow.
 */
import type { BinnedMatrix } from './gbdt-binning.js';
import type { HistogramColumns } from './gbdt-bundling.js';

/**
 * The sampled rows in tree order (see GrowWorkspace): position i is row idx[i]; its gradient
 * and hessian are g[i], h[i] (copied there so several passes read them sequentially) or, with
 * `byRow`, g[idx[i]], h[idx[i]] (read in place: for a single pass, gathering first costs more).
 */
export interface OrderedRows {
  readonly idx: Uint32Array;
  readonly g: Float64Array;
  readonly h: Float64Array;
  readonly byRow: boolean;
}

/**
 * Histogram of ordered rows [start, end) over the columns of the given words: per (column, bin)
 * the sums of gradient, hessian and the row count, at hist[base[c] + b·3 + 0|1|2] (for a lone
 * feature f that is its slot (f·maxBins + b)·3; bundles still need unpackBundles).
 *
 * This loop is most of the training time. One word load gives a row's bins in four columns, so
 * the row id, gradient and hessian are loaded once per four updates; row ids ascend within a
 * node, so each word column is read in memory order.
 */
export function buildHistogram(hist: Float64Array, columns: HistogramColumns, rows: OrderedRows, start: number, end: number, quads: Int32Array): void {
  const { rows: n, count, packed, base, width } = columns;
  for (let a = 0; a < quads.length; a++) {
    const q = quads[a]!;
    const k = Math.min(4, count - 4 * q);
    for (let c = 4 * q; c < 4 * q + k; c++) hist.fill(0, base[c]!, base[c]! + width[c]! * 3);
    if (k === 4) accumulate4(hist, packed.subarray(q * n, (q + 1) * n), base.subarray(4 * q), rows, start, end);
    else {
      const words = packed.subarray(q * n, (q + 1) * n);
      if (k >= 2) accumulate2(hist, words, base[4 * q]!, base[4 * q + 1]!, rows, start, end);
      if (k !== 2) accumulate1(hist, words, k === 3 ? 16 : 0, base[4 * q + k - 1]!, rows, start, end);
    }
  }
}

function accumulate4(hist: Float64Array, words: Uint32Array, base: Int32Array, rows: OrderedRows, start: number, end: number): void {
  const { idx, g: og, h: oh, byRow } = rows;
  const b0 = base[0]!;
  const b1 = base[1]!;
  const b2 = base[2]!;
  const b3 = base[3]!;
  for (let i = start; i < end; i++) {
    const row = idx[i]!;
    const w = words[row]!;
    const at = byRow ? row : i;
    const g = og[at]!;
    const h = oh[at]!;
    let o = b0 + (w & 255) * 3;
    hist[o] = hist[o]! + g;
    hist[o + 1] = hist[o + 1]! + h;
    hist[o + 2] = hist[o + 2]! + 1;
    o = b1 + ((w >>> 8) & 255) * 3;
    hist[o] = hist[o]! + g;
    hist[o + 1] = hist[o + 1]! + h;
    hist[o + 2] = hist[o + 2]! + 1;
    o = b2 + ((w >>> 16) & 255) * 3;
    hist[o] = hist[o]! + g;
    hist[o + 1] = hist[o + 1]! + h;
    hist[o + 2] = hist[o + 2]! + 1;
    o = b3 + (w >>> 24) * 3;
    hist[o] = hist[o]! + g;
    hist[o + 1] = hist[o + 1]! + h;
    hist[o + 2] = hist[o + 2]! + 1;
  }
}

/** The first two columns of a partial last word. */
function accumulate2(hist: Float64Array, words: Uint32Array, b0: number, b1: number, rows: OrderedRows, start: number, end: number): void {
  const { idx, g: og, h: oh, byRow } = rows;
  for (let i = start; i < end; i++) {
    const row = idx[i]!;
    const w = words[row]!;
    const at = byRow ? row : i;
    const g = og[at]!;
    const h = oh[at]!;
    let o = b0 + (w & 255) * 3;
    hist[o] = hist[o]! + g;
    hist[o + 1] = hist[o + 1]! + h;
    hist[o + 2] = hist[o + 2]! + 1;
    o = b1 + ((w >>> 8) & 255) * 3;
    hist[o] = hist[o]! + g;
    hist[o + 1] = hist[o + 1]! + h;
    hist[o + 2] = hist[o + 2]! + 1;
  }
}

/** One column of a partial last word (the byte at `shift`). */
function accumulate1(hist: Float64Array, words: Uint32Array, shift: number, base: number, rows: OrderedRows, start: number, end: number): void {
  const { idx, g: og, h: oh, byRow } = rows;
  for (let i = start; i < end; i++) {
    const row = idx[i]!;
    const at = byRow ? row : i;
    const o = base + ((words[row]! >>> shift) & 255) * 3;
    hist[o] = hist[o]! + og[at]!;
    hist[o + 1] = hist[o + 1]! + oh[at]!;
    hist[o + 2] = hist[o + 2]! + 1;
  }
}

/** parent ← parent − child over the active features (the sibling's histogram, for free). */
export function subtractHistogram(parent: Float64Array, child: Float64Array, binned: BinnedMatrix, active: Int32Array): void {
  const stride = binned.maxBins * 3;
  for (let a = 0; a < active.length; a++) {
    const base = active[a]! * stride;
    for (let i = base; i < base + stride; i++) parent[i] = parent[i]! - child[i]!;
  }
}

/** A split: rows with bin ≤ `bin` of `feature` go left; the left child's sums. */
export interface SplitCandidate {
  readonly feature: number;
  readonly bin: number;
  readonly gain: number;
  readonly gl: number;
  readonly hl: number;
  readonly cl: number;
}

/** Split constraints. */
export interface SplitRules {
  readonly l2: number;
  readonly minSamplesLeaf: number;
}

/**
 * Smallest hessian sum a child may have (scikit-learn's min_hessian_to_split): below it a leaf
 * weight −G/(H + l2) is noise amplified.
 */
const MIN_CHILD_HESSIAN = 1e-3;

/**
 * The split of largest gain G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ) over active features and bins
 * (ties keep the first found, so the choice is deterministic), or undefined when no split has
 * positive gain within the constraints.
 */
export function findBestSplit(hist: Float64Array, binned: BinnedMatrix, active: Int32Array, g: number, h: number, c: number, rules: SplitRules): SplitCandidate | undefined {
  const { l2, minSamplesLeaf } = rules;
  const parentScore = (g * g) / (h + l2);
  const stride = binned.maxBins * 3;
  let best: SplitCandidate | undefined;
  let bestGain = 0;
  for (let a = 0; a < active.length; a++) {
    const f = active[a]!;
    const nb = binned.edges[f]!.length + 1;
    const base = f * stride;
    let gl = 0;
    let hl = 0;
    let cl = 0;
    for (let b = 0; b < nb - 1; b++) {
      const o = base + b * 3;
      gl += hist[o]!;
      hl += hist[o + 1]!;
      cl += hist[o + 2]!;
      if (cl < minSamplesLeaf) continue;
      const cr = c - cl;
      if (cr < minSamplesLeaf) break;
      const hr = h - hl;
      if (hl < MIN_CHILD_HESSIAN || hr < MIN_CHILD_HESSIAN) continue;
      const gr = g - gl;
      const gain = (gl * gl) / (hl + l2) + (gr * gr) / (hr + l2) - parentScore;
      if (gain > bestGain) {
        bestGain = gain;
        best = { feature: f, bin: b, gain, gl, hl, cl };
      }
    }
  }
  return best;
}
