/**
 * Evidently's `wasserstein` drift test: the Wasserstein distance over the reference's standard
 * deviation (at least 0.001), drift at ≥ 0.1. The default for numeric columns with more than 5
 * distinct values and a reference of more than 1,000 rows.
 */
import { byDistance, type TestResult } from './test-result.js';
import { normalisedWasserstein } from './wasserstein.js';

export const WASSERSTEIN_THRESHOLD = 0.1;

/** Normalised Wasserstein between two ascending samples; pass the reference's std if it is known. */
export function wassersteinTest(referenceSorted: ArrayLike<number>, currentSorted: ArrayLike<number>, threshold = WASSERSTEIN_THRESHOLD, referenceStd?: number): TestResult {
  return byDistance('wasserstein', normalisedWasserstein(referenceSorted, currentSorted, referenceStd), threshold);
}
