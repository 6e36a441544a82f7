/**
 * A column's values as the drift tests take them: numeric columns as their sorted values (a
 * reference keeps these once, so each check only sorts the current window), categorical
 * columns as value counts. Nulls are left out of both, as Evidently drops them.
 */
import { categoryShares, countSorted, distinctSorted, sturgesShares, type CategoryCounts, type Shares } from './frequencies.js';

/** Numeric values, ascending, finite. */
export interface NumericSample {
  readonly kind: 'numeric';
  readonly sorted: Float64Array;
}

/** Category counts (text, booleans, or numbers treated as categories). */
export interface CategoricalSample {
  readonly kind: 'categorical';
  readonly counts: CategoryCounts;
}

export type DriftSample = NumericSample | CategoricalSample;

/** A numeric sample from any numbers (NaN and ±∞ dropped, as Evidently does), sorted with the typed-array sort. */
export function numericSample(values: ArrayLike<number>): NumericSample {
  let n = 0;
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isFinite(v)) out[n++] = v;
  }
  const sorted = n === out.length ? out : out.slice(0, n);
  sorted.sort();
  return { kind: 'numeric', sorted };
}

/** A categorical sample from counts. */
export function categoricalSample(counts: CategoryCounts): CategoricalSample {
  return { kind: 'categorical', counts };
}

/** Non-null values in the sample. */
export function sampleSize(sample: DriftSample): number {
  return sample.kind === 'numeric' ? sample.sorted.length : sample.counts.total;
}

/** The sample as category counts (numbers keyed by their text). */
export function asCounts(sample: DriftSample): CategoryCounts {
  return sample.kind === 'numeric' ? countSorted(sample.sorted) : sample.counts;
}

/**
 * Evidently's `get_binned_data`: a numeric reference with more than 20 distinct values is cut
 * into a Sturges histogram over both samples; anything else is compared category by category.
 */
export function evidentlyShares(reference: DriftSample, current: DriftSample): Shares {
  if (reference.kind === 'numeric' && current.kind === 'numeric' && distinctSorted(reference.sorted) > 20) return sturgesShares(reference.sorted, current.sorted);
  return categoryShares(asCounts(reference), asCounts(current));
}
