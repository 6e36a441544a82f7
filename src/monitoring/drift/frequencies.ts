/**
 * The two samples as frequencies over shared keys, for the tests that compare distributions
 * (chi-squared, Z, PSI, Jensen–Shannon, KL, Hellinger): category counts, and for numeric
 * columns Evidently's Sturges histogram over both samples (`get_binned_data`) or, for PSI,
 * quantile bins fitted on the reference alone.
 */

/** A column as value counts (nulls excluded); keys are the values as text. */
export interface CategoryCounts {
  readonly counts: ReadonlyMap<string, number>;
  readonly total: number;
}

/** Counts from a list of values (nulls and NaN skipped). */
export function countValues(values: Iterable<unknown>): CategoryCounts {
  const counts = new Map<string, number>();
  let total = 0;
  for (const v of values) {
    if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))) continue;
    const key = String(v);
    counts.set(key, (counts.get(key) ?? 0) + 1);
    total++;
  }
  return { counts, total };
}

/** Counts of each distinct value of an ascending numeric sample (keys as `String(value)`). */
export function countSorted(sorted: ArrayLike<number>): CategoryCounts {
  const counts = new Map<string, number>();
  for (let i = 0; i < sorted.length; ) {
    let j = i + 1;
    while (j < sorted.length && sorted[j] === sorted[i]) j++;
    counts.set(String(sorted[i]), j - i);
    i = j;
  }
  return { counts, total: sorted.length };
}

/** Distinct values of an ascending sample. */
export function distinctSorted(sorted: ArrayLike<number>): number {
  let k = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) k++;
  return k;
}

/** Distinct values of the two ascending samples together (pandas `concat(...).nunique()`). */
export function distinctInBoth(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length || j < b.length) {
    const x = j >= b.length || (i < a.length && a[i]! <= b[j]!) ? a[i]! : b[j]!;
    while (i < a.length && a[i] === x) i++;
    while (j < b.length && b[j] === x) j++;
    k++;
  }
  return k;
}

/** The union of both samples' keys, the reference's first (the order only affects rounding). */
export function unionKeys(reference: CategoryCounts, current: CategoryCounts): string[] {
  const keys = [...reference.counts.keys()];
  for (const k of current.counts.keys()) if (!reference.counts.has(k)) keys.push(k);
  return keys;
}

/** Two aligned vectors of shares (each sums to 1 over the bins it covers). */
export interface Shares {
  readonly reference: Float64Array;
  readonly current: Float64Array;
}

/** Shares of each key of the union, as Evidently's categorical `get_binned_data`. */
export function categoryShares(reference: CategoryCounts, current: CategoryCounts): Shares {
  const keys = unionKeys(reference, current);
  return {
    reference: Float64Array.from(keys, (k) => (reference.counts.get(k) ?? 0) / reference.total),
    current: Float64Array.from(keys, (k) => (current.counts.get(k) ?? 0) / current.total),
  };
}

/**
 * numpy's `histogram_bin_edges(values, bins='sturges')` for values spanning [lo, hi] with
 * `size` elements: ⌈ptp / (ptp / (log2(size) + 1))⌉ equal bins, edges as `np.linspace`.
 */
export function sturgesEdges(lo: number, hi: number, size: number): Float64Array {
  let [first, last] = [lo, hi];
  if (first === last) [first, last] = [first - 0.5, last + 0.5];
  const width = (hi - lo) / (Math.log2(size) + 1);
  const bins = width ? Math.ceil((last - first) / width) : 1;
  const step = (last - first) / bins;
  const edges = new Float64Array(bins + 1);
  for (let i = 0; i <= bins; i++) edges[i] = i * step + first;
  edges[bins] = last;
  return edges;
}

/** numpy's `histogram(sorted, edges)` counts: [e_i, e_i+1) bins, the last one closed, outliers dropped. */
export function histogramSorted(sorted: ArrayLike<number>, edges: ArrayLike<number>): Float64Array {
  const bins = edges.length - 1;
  const out = new Float64Array(bins);
  let b = 0;
  for (let i = 0; i < sorted.length; i++) {
    const x = sorted[i]!;
    if (x < edges[0]! || x > edges[bins]!) continue;
    while (b < bins - 1 && x >= edges[b + 1]!) b++;
    out[b]!++;
  }
  return out;
}

/** Evidently's numeric `get_binned_data`: a Sturges histogram over both samples, as shares of each sample. */
export function sturgesShares(reference: ArrayLike<number>, current: ArrayLike<number>): Shares {
  const lo = Math.min(reference[0]!, current[0]!);
  const hi = Math.max(reference[reference.length - 1]!, current[current.length - 1]!);
  const edges = sturgesEdges(lo, hi, reference.length + current.length);
  return { reference: histogramSorted(reference, edges).map((c) => c / reference.length), current: histogramSorted(current, edges).map((c) => c / current.length) };
}

/**
 * Quantile bins fitted on the reference alone (PSI's usual construction, and what a stored
 * reference profile can hold): `bins` cut points at the reference's k/bins quantiles, repeated
 * cuts merged, the outer bins open so current values outside the reference's range still count.
 */
export function referenceQuantileShares(reference: ArrayLike<number>, current: ArrayLike<number>, bins: number): Shares & { readonly cuts: Float64Array } {
  const n = reference.length;
  const cuts: number[] = [];
  for (let k = 1; k < bins; k++) {
    const c = reference[Math.min(n - 1, Math.floor((k * n) / bins))]!;
    if (c > reference[0]! && (cuts.length === 0 || c > cuts[cuts.length - 1]!)) cuts.push(c);
  }
  const count = (sorted: ArrayLike<number>): Float64Array => {
    const out = new Float64Array(cuts.length + 1);
    let b = 0;
    for (let i = 0; i < sorted.length; i++) {
      while (b < cuts.length && sorted[i]! >= cuts[b]!) b++;
      out[b]!++;
    }
    return out.map((c) => c / sorted.length);
  };
  return { reference: count(reference), current: count(current), cuts: Float64Array.from(cuts) };
}

/** Evidently's `feel_zeroes`: empty bins get a small share so logarithms stay finite. */
export function fillZeroes(shares: Float64Array): Float64Array {
  let min = Infinity;
  for (const s of shares) if (s !== 0 && s < min) min = s;
  const fill = min <= 0.0001 ? min / 1e6 : 0.0001;
  return shares.map((s) => (s === 0 ? fill : s));
}
