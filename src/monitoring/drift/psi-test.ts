/**
 * Population Stability Index: Σ (r − c)·ln(r / c) over bins, empty bins given Evidently's small
 * share, drift at ≥ 0.1. Unlike Evidently (which cuts a Sturges histogram over both samples and
 * ignores its `n_bins`), numeric bins are the reference's quantiles and `bins` is honoured, so
 * the bins are fixed once the reference is, and a score compares like with like across windows.
 * Categories are compared as in Evidently.
 */
import { categoryShares, distinctSorted, fillZeroes, referenceQuantileShares } from './frequencies.js';
import { asCounts, type DriftSample } from './sample.js';
import { byDistance, type TestResult } from './test-result.js';

export const PSI_THRESHOLD = 0.1;
/** Reference deciles by default, the usual PSI construction. */
export const PSI_BINS = 10;

/** PSI of two share vectors (zeros already filled). */
export function psi(reference: ArrayLike<number>, current: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < reference.length; i++) {
    const r = reference[i]!;
    const c = current[i]!;
    sum += (r - c) * Math.log(r / c);
  }
  return sum;
}

/** PSI drift test; numeric samples with more than 20 distinct reference values are binned on the reference. */
export function psiTest(reference: DriftSample, current: DriftSample, threshold = PSI_THRESHOLD, bins = PSI_BINS): TestResult {
  const shares =
    reference.kind === 'numeric' && current.kind === 'numeric' && distinctSorted(reference.sorted) > 20
      ? referenceQuantileShares(reference.sorted, current.sorted, bins)
      : categoryShares(asCounts(reference), asCounts(current));
  return byDistance('psi', psi(fillZeroes(shares.reference), fillZeroes(shares.current)), threshold);
}
