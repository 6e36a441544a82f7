/**
 * Evidently's `ks` drift test: the two-sample KS p-value, drift when p ≤ threshold (0.05).
 * The default for numeric columns with more than 5 distinct values and a reference of at most
 * 1,000 rows.
 */
import { ksTwoSample } from './ks-two-sample.js';
import { byPValue, type TestResult } from './test-result.js';

export const KS_THRESHOLD = 0.05;

/** KS between two ascending samples. */
export function ksTest(referenceSorted: ArrayLike<number>, currentSorted: ArrayLike<number>, threshold = KS_THRESHOLD): TestResult {
  const { statistic, pValue } = ksTwoSample(referenceSorted, currentSorted);
  return byPValue('ks', pValue, statistic, threshold, true);
}
