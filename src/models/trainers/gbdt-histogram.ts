/**
 * The histogram half of gradient boosting: per-node gradient/hessian histograms over the bins,
 * and the best split they allow.
 */
import type { BinnedMatrix } from './gbdt-binning.js';

/**
 * The sampled rows in tree order (see GrowWorkspace): position i is row idx[i], with its
 * gradient and hessian copied to g[i], h[i] so those are read sequentially.
 */
export interface OrderedRows {
  readonly idx: Uint32Array;
  readonly g: Float64Array;
  readonly h: Float64Array;
}

/**
 * Histogram of ordered rows [start, end) over the active features: per (feature, bin) the sums
 * of gradient, hessian and the row count, at hist[(f·maxBins + b)·3 + 0|1|2].
 *
 * This loop is most of the training time. Four features share one pass over the rows, so the
 * row id, gradient and hessian are loaded once per four updates (measured ~1.9× faster than a
 * pass per feature); row ids ascend within a node, so each column is read in memory order.
 */
export function buildHistogram(hist: Float64Array, binned: BinnedMatrix, rows: OrderedRows, start: number, end: number, active: Int32Array): void {
  const { rows: n, maxBins, bins } = binned;
  const { idx, g: og, h: oh } = rows;
  const stride = maxBins * 3;
  const na = active.length;
  for (let a = 0; a < na; a++) hist.fill(0, active[a]! * stride, (active[a]! + 1) * stride);
  let a = 0;
  for (; a + 4 <= na; a += 4) {
    const c0 = active[a]! * n;
    const c1 = active[a + 1]! * n;
    const c2 = active[a + 2]! * n;
    const c3 = active[a + 3]! * n;
    const b0 = active[a]! * stride;
    const b1 = active[a + 1]! * stride;
    const b2 = active[a + 2]! * stride;
    const b3 = active[a + 3]! * stride;
    for (let i = start; i < end; i++) {
      const row = idx[i]!;
      const g = og[i]!;
      const h = oh[i]!;
      let o = b0 + bins[c0 + row]! * 3;
      hist[o] = hist[o]! + g;
      hist[o + 1] = hist[o + 1]! + h;
      hist[o + 2] = hist[o + 2]! + 1;
      o = b1 + bins[c1 + row]! * 3;
      hist[o] = hist[o]! + g;
      hist[o + 1] = hist[o + 1]! + h;
      hist[o + 2] = hist[o + 2]! + 1;
      o = b2 + bins[c2 + row]! * 3;
      hist[o] = hist[o]! + g;
      hist[o + 1] = hist[o + 1]! + h;
      hist[o + 2] = hist[o + 2]! + 1;
      o = b3 + bins[c3 + row]! * 3;
      hist[o] = hist[o]! + g;
      hist[o + 1] = hist[o + 1]! + h;
      hist[o + 2] = hist[o + 2]! + 1;
    }
  }
  if (a + 2 <= na) {
    const c0 = active[a]! * n;
    const c1 = active[a + 1]! * n;
    const b0 = active[a]! * stride;
    const b1 = active[a + 1]! * stride;
    for (let i = start; i < end; i++) {
      const row = idx[i]!;
      const g = og[i]!;
      const h = oh[i]!;
      let o = b0 + bins[c0 + row]! * 3;
      hist[o] = hist[o]! + g;
      hist[o + 1] = hist[o + 1]! + h;
      hist[o + 2] = hist[o + 2]! + 1;
      o = b1 + bins[c1 + row]! * 3;
      hist[o] = hist[o]! + g;
      hist[o + 1] = hist[o + 1]! + h;
      hist[o + 2] = hist[o + 2]! + 1;
    }
    a += 2;
  }
  for (; a < na; a++) {
    const c = active[a]! * n;
    const b = active[a]! * stride;
    for (let i = start; i < end; i++) {
      const o = b + bins[c + idx[i]!]! * 3;
      hist[o] = hist[o]! + og[i]!;
      hist[o + 1] = hist[o + 1]! + oh[i]!;
      hist[o + 2] = hist[o + 2]! + 1;
    }
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
