/**
 * Evidently's `chisquare` drift test: Pearson's chi-squared of the current counts against the
 * reference's frequencies scaled to the current size (`scipy.stats.chisquare(f_obs, f_exp)`),
 * k − 1 degrees of freedom over the union of categories, drift when p < threshold (0.05). A
 * category the reference never saw has expectation 0: the statistic is infinite and p = 0.
 */
import { unionKeys, type CategoryCounts } from './frequencies.js';
import { chiSquaredSf } from './special-functions.js';
import { byPValue, type TestResult } from './test-result.js';

export const CHI_SQUARE_THRESHOLD = 0.05;

/** The statistic and p-value (scipy.stats.chisquare on the same frequencies). */
export function chiSquare(reference: CategoryCounts, current: CategoryCounts): { readonly statistic: number; readonly pValue: number } {
  const keys = unionKeys(reference, current);
  const scale = current.total / reference.total;
  let statistic = 0;
  for (const k of keys) {
    const expected = (reference.counts.get(k) ?? 0) * scale;
    const observed = current.counts.get(k) ?? 0;
    statistic += expected === 0 ? (observed === 0 ? 0 : Infinity) : (observed - expected) ** 2 / expected;
  }
  const dof = keys.length - 1;
  if (dof < 1) return { statistic, pValue: 1 };
  return { statistic, pValue: chiSquaredSf(statistic, dof) };
}

/** Chi-squared drift test over category counts. */
export function chiSquareTest(reference: CategoryCounts, current: CategoryCounts, threshold = CHI_SQUARE_THRESHOLD): TestResult {
  const { statistic, pValue } = chiSquare(reference, current);
  return byPValue('chisquare', pValue, statistic, threshold);
}
