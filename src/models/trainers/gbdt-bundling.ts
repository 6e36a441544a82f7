/**
 * Exclusive feature bundling (LightGBM's EFB with its "most frequent bin" trick), exact form.
 *
 * One-hot encoded columns are almost all one bin: a histogram pass over each of them costs a
 * full pass over the node's rows to learn little. Every feature has a default bin (its most
 * frequent one); features that are never off their default bin in the same row are packed into
 * one byte column whose bin 0 means "every member at its default" and whose other bins are the
 * members' non-default bins side by side. One pass over that column gives every member's
 * non-default bins; each member's default bin is the node total minus those. Thirty one-hot
 * columns become one histogram column.
 *
 * Only conflict-free features are bundled, so the per-feature histograms are the dense ones up
 * to floating-point summation order (the default bin is derived by subtraction).
 */
import type { BinnedMatrix } from './gbdt-binning.js';

/** Bins a bundle column may hold (one byte), bin 0 being "all members at their default". */
const BUNDLE_BINS = 256;
/** Bundles under construction at once: bounds the conflict checks per feature. */
const MAX_BUNDLES = 16;

/**
 * The byte columns the histogram pass reads: features alone (their own bins) or bundles, packed
 * four to a 32-bit word per row (column 4q + k in byte k of `packed[q * rows + i]`), so one load
 * gives a row's bins for four histogram updates. Histogram buffers hold per-feature slots at
 * f·maxBins·3 (what split finding reads), then bundle scratch; a lone feature's column is
 * accumulated straight into its slot.
 */
export interface HistogramColumns {
  readonly rows: number;
  /** Columns; the last word holds count − 4·(quads − 1) of them. */
  readonly count: number;
  readonly quads: number;
  readonly packed: Uint32Array;
  /** Per column, where its bin 0 sits in a histogram buffer (in floats) and how many bins it has. */
  readonly base: Int32Array;
  readonly width: Int32Array;
  /** Per feature, its column. */
  readonly columnOf: Int32Array;
  /** Per feature, its default bin when bundled, else −1. */
  readonly defaultBin: Int32Array;
  /** Per bundled feature, where its first non-default bin sits in a histogram buffer (floats). */
  readonly bundleBase: Int32Array;
  /** Floats in one histogram buffer. */
  readonly histSize: number;
}

/** Every feature its own column: the dense layout. */
export function unbundledColumns(binned: BinnedMatrix): HistogramColumns {
  const { rows, features, maxBins, bins } = binned;
  const stride = maxBins * 3;
  const sources = Array.from({ length: features }, (_, f) => bins.subarray(f * rows, (f + 1) * rows));
  const base = Array.from({ length: features }, (_, f) => f * stride);
  const width = base.map(() => maxBins);
  return pack(rows, sources, base, width, {
    columnOf: Int32Array.from({ length: features }, (_, f) => f),
    defaultBin: new Int32Array(features).fill(-1),
    bundleBase: new Int32Array(features),
    histSize: features * stride,
  });
}

type FeatureMaps = Pick<HistogramColumns, 'columnOf' | 'defaultBin' | 'bundleBase' | 'histSize'>;

/** Packs byte columns four to a word. */
function pack(rows: number, sources: readonly Uint8Array[], base: number[], width: number[], maps: FeatureMaps): HistogramColumns {
  const count = sources.length;
  const quads = Math.ceil(count / 4);
  const packed = new Uint32Array(quads * rows);
  for (let q = 0; q < quads; q++) {
    const word = packed.subarray(q * rows, (q + 1) * rows);
    for (let k = 0; k < 4 && 4 * q + k < count; k++) {
      const src = sources[4 * q + k]!;
      const shift = 8 * k;
      for (let i = 0; i < rows; i++) word[i] = (word[i]! | (src[i]! << shift)) >>> 0;
    }
  }
  return { rows, count, quads, packed, base: Int32Array.from(base), width: Int32Array.from(width), ...maps };
}

interface Bundle {
  readonly members: number[];
  /** The bundle column being filled (0 = all members at default). */
  readonly column: Uint8Array;
  bins: number;
  nonDefault: number;
}

/**
 * Packs conflict-free sparse features into bundles (greedily, in feature order, so the result
 * is deterministic); returns the unbundled layout when no bundle of two or more forms.
 */
export function bundleFeatures(binned: BinnedMatrix): HistogramColumns {
  const { rows, features, edges, bins } = binned;
  const defaults = new Int32Array(features);
  const rowList = new Uint32Array(rows);
  const bundles: Bundle[] = [];
  for (let f = 0; f < features; f++) {
    const nb = edges[f]!.length + 1;
    const col = bins.subarray(f * rows, (f + 1) * rows);
    const d = mostFrequentBin(col, nb);
    defaults[f] = d;
    let nnz = 0;
    for (let i = 0; i < rows; i++) if (col[i] !== d) rowList[nnz++] = i;
    // A feature off its default in over half the rows cannot share a column with much.
    if (nnz > rows / 2 || nb < 2) continue;
    const list = rowList.subarray(0, nnz);
    let target = bundles.find((b) => b.nonDefault + nnz <= rows && b.bins + nb - 1 <= BUNDLE_BINS && !conflicts(b.column, list));
    if (!target && bundles.length < MAX_BUNDLES) {
      target = { members: [], column: new Uint8Array(rows), bins: 1, nonDefault: 0 };
      bundles.push(target);
    }
    if (!target) continue;
    for (const i of list) {
      const b = col[i]!;
      target.column[i] = target.bins + (b < d ? b : b - 1);
    }
    target.bins += nb - 1;
    target.nonDefault += nnz;
    target.members.push(f);
  }
  const kept = bundles.filter((b) => b.members.length >= 2);
  if (kept.length === 0) return unbundledColumns(binned);
  return layout(binned, kept, defaults);
}

function mostFrequentBin(col: Uint8Array, nb: number): number {
  const counts = new Float64Array(nb);
  for (let i = 0; i < col.length; i++) counts[col[i]!]!++;
  let best = 0;
  for (let b = 1; b < nb; b++) if (counts[b]! > counts[best]!) best = b;
  return best;
}

function conflicts(column: Uint8Array, rows: Uint32Array): boolean {
  for (let i = 0; i < rows.length; i++) if (column[rows[i]!] !== 0) return true;
  return false;
}

/** Lone features first (feature order), then the bundles. */
function layout(binned: BinnedMatrix, bundles: readonly Bundle[], defaults: Int32Array): HistogramColumns {
  const { rows, features, maxBins, bins } = binned;
  const stride = maxBins * 3;
  const bundled = new Uint8Array(features);
  for (const b of bundles) for (const f of b.members) bundled[f] = 1;
  const sources: Uint8Array[] = [];
  const base: number[] = [];
  const width: number[] = [];
  const columnOf = new Int32Array(features);
  const defaultBin = new Int32Array(features).fill(-1);
  const bundleBase = new Int32Array(features);
  for (let f = 0; f < features; f++) {
    if (bundled[f]) continue;
    columnOf[f] = sources.length;
    sources.push(bins.subarray(f * rows, (f + 1) * rows));
    base.push(f * stride);
    width.push(maxBins);
  }
  let scratch = features * stride;
  for (const bundle of bundles) {
    let next = 1;
    for (const f of bundle.members) {
      columnOf[f] = sources.length;
      defaultBin[f] = defaults[f]!;
      bundleBase[f] = scratch + next * 3;
      next += binned.edges[f]!.length;
    }
    sources.push(bundle.column);
    base.push(scratch);
    width.push(bundle.bins);
    scratch += bundle.bins * 3;
  }
  return pack(rows, sources, base, width, { columnOf, defaultBin, bundleBase, histSize: scratch });
}

/** The words (groups of four columns) holding the active features, ascending. */
export function activeQuads(columns: HistogramColumns, active: Int32Array): Int32Array {
  const used = new Uint8Array(columns.quads);
  for (let a = 0; a < active.length; a++) used[columns.columnOf[active[a]!]! >> 2] = 1;
  const out: number[] = [];
  for (let q = 0; q < columns.quads; q++) if (used[q]) out.push(q);
  return Int32Array.from(out);
}

/**
 * Fills the per-feature slots of the active bundled features from their bundle's bins: the
 * non-default bins copied, the default bin the node's totals (g, h, c) minus the rest.
 */
export function unpackBundles(hist: Float64Array, binned: BinnedMatrix, columns: HistogramColumns, active: Int32Array, g: number, h: number, c: number): void {
  const stride = binned.maxBins * 3;
  for (let a = 0; a < active.length; a++) {
    const f = active[a]!;
    const d = columns.defaultBin[f]!;
    if (d < 0) continue;
    const nb = binned.edges[f]!.length + 1;
    const slot = f * stride;
    let src = columns.bundleBase[f]!;
    let sg = 0;
    let sh = 0;
    let sc = 0;
    for (let b = 0; b < nb; b++) {
      if (b === d) continue;
      const o = slot + b * 3;
      const vg = hist[src]!;
      const vh = hist[src + 1]!;
      const vc = hist[src + 2]!;
      hist[o] = vg;
      hist[o + 1] = vh;
      hist[o + 2] = vc;
      sg += vg;
      sh += vh;
      sc += vc;
      src += 3;
    }
    const o = slot + d * 3;
    hist[o] = g - sg;
    hist[o + 1] = h - sh;
    hist[o + 2] = c - sc;
  }
}
