/** What every drift test returns, whatever it measures. */

/** The tests by Evidently's names. */
export type StatTestName = 'ks' | 'wasserstein' | 'chisquare' | 'z' | 'jensenshannon' | 'psi' | 'kl_div' | 'hellinger';

/** One test's verdict on one column. */
export interface TestResult {
  readonly test: StatTestName;
  /** The drift score compared with the threshold: a p-value for KS, chi-squared and Z, a distance otherwise. */
  readonly score: number;
  /** The test statistic behind a p-value (KS D, chi-squared, Z), when there is one. */
  readonly statistic?: number;
  readonly pValue?: number;
  readonly threshold: number;
  readonly drifted: boolean;
}

/** A p-value test drifts below its threshold (Evidently's `p < threshold`). */
export function byPValue(test: StatTestName, pValue: number, statistic: number, threshold: number, inclusive = false): TestResult {
  return { test, score: pValue, statistic, pValue, threshold, drifted: inclusive ? pValue <= threshold : pValue < threshold };
}

/** A distance drifts at or above its threshold (Evidently's `score >= threshold`). */
export function byDistance(test: StatTestName, score: number, threshold: number): TestResult {
  return { test, score, threshold, drifted: score >= threshold };
}
