/**
 * Binning for gradient boosting: every feature reduced once to ≤ 255 quantile bins (one byte).
 *
 * Binning works on float32-rounded values (Math.fround) and places every bin edge on a float32
 * value, so the split `bin ≤ b` the trainer evaluates is exactly `fround(x) <= edges[b]` — the
 * comparison the exported float32 ONNX model makes — for every input, seen or unseen.
 */
import type { SeededRandom } from './random.js';

/** Rows sampled to place bin edges (as scikit-learn does): quantiles need no more. */
const BINNING_SAMPLE = 200_000;

/** A feature matrix reduced to bin indices. */
export interface BinnedMatrix {
  readonly rows: number;
  readonly features: number;
  /**
   * Column-major bin indices, `bins[f * rows + i]`: a split or histogram pass reads one feature's
   * column (1 MB per million rows, which stays in L2 cache) at scattered rows.
   */
  readonly bins: Uint8Array;
  /** Per feature, ascending float32 edges: bin b holds edges[b−1] < x ≤ edges[b]. */
  readonly edges: readonly Float64Array[];
  /** Largest bin count over features (histogram stride). */
  readonly maxBins: number;
}

/**
 * Places ≤ maxBins − 1 edges per feature from the given rows (a random subset of at most
 * 200,000 of them), then bins every row of X.
 */
export function binFeatures(X: Float64Array, rows: number, features: number, edgeRows: Uint32Array, maxBins: number, rng: SeededRandom): BinnedMatrix {
  const sample = edgeRows.length > BINNING_SAMPLE ? pick(edgeRows, rng.sample(edgeRows.length, BINNING_SAMPLE)) : edgeRows;
  // X is row-major: read it row by row (a column-wise walk would miss the cache on every value).
  const s = sample.length;
  const values = new Float32Array(features * s);
  for (let i = 0; i < s; i++) {
    const at = sample[i]! * features;
    for (let f = 0; f < features; f++) values[f * s + i] = X[at + f]!;
  }
  const edges: Float64Array[] = [];
  for (let f = 0; f < features; f++) edges.push(featureEdges(values.subarray(f * s, (f + 1) * s).sort(), maxBins));
  const bins = new Uint8Array(rows * features);
  for (let i = 0; i < rows; i++) {
    const at = i * features;
    for (let f = 0; f < features; f++) bins[f * rows + i] = binOf(Math.fround(X[at + f]!), edges[f]!);
  }
  let widest = 1;
  for (const e of edges) widest = Math.max(widest, e.length + 1);
  return { rows, features, bins, edges, maxBins: widest };
}

function pick(rows: Uint32Array, positions: Uint32Array): Uint32Array {
  const out = new Uint32Array(positions.length);
  for (let i = 0; i < positions.length; i++) out[i] = rows[positions[i]!]!;
  return out;
}

/** The first b with x ≤ edges[b], or edges.length (the last bin). */
function binOf(x: number, edges: Float64Array): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x <= edges[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Edges between distinct sorted float32 values: every gap when there are few distinct values,
 * otherwise at the quantiles i/maxBins (ties never straddle an edge).
 */
function featureEdges(sorted: Float32Array, maxBins: number): Float64Array {
  const n = sorted.length;
  const distinct: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = sorted[i]!;
    if (distinct.length > 0 && distinct[distinct.length - 1] === v) counts[counts.length - 1]!++;
    else {
      distinct.push(v);
      counts.push(1);
    }
  }
  const edges: number[] = [];
  if (distinct.length <= maxBins) {
    for (let j = 0; j + 1 < distinct.length; j++) edges.push(between(distinct[j]!, distinct[j + 1]!));
    return Float64Array.from(edges);
  }
  let cum = 0;
  let cut = 1;
  for (let j = 0; j + 1 < distinct.length && edges.length < maxBins - 1; j++) {
    cum += counts[j]!;
    if (cum >= (cut * n) / maxBins) {
      edges.push(between(distinct[j]!, distinct[j + 1]!));
      while ((cut * n) / maxBins <= cum) cut++;
    }
  }
  return Float64Array.from(edges);
}

/** A float32 edge e with a ≤ e < b: the float32 midpoint, or a when the midpoint rounds to b. */
function between(a: number, b: number): number {
  const mid = Math.fround(a + (b - a) / 2);
  return mid >= b || mid < a ? a : mid;
}
