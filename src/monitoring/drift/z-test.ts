/**
 * Evidently's `z` drift test for binary columns: the two-proportion Z-test with pooled variance
 * on the share of values that are not the smallest key, two-sided, drift when p < threshold
 * (0.05). Evidently computes p as 2·(1 − Φ(|z|)); this computes the same quantity as
 * erfc(|z|/√2), which keeps its digits where 1 − Φ would round to 0.
 */
import { unionKeys, type CategoryCounts } from './frequencies.js';
import { normalTwoSided } from './special-functions.js';
import { byPValue, type TestResult } from './test-result.js';

export const Z_THRESHOLD = 0.05;

/** Orders keys as Python's `sorted` would the original values: numbers numerically, text by code point. */
function sortKeys(keys: string[]): string[] {
  const numeric = keys.every((k) => k !== '' && Number.isFinite(Number(k)));
  return numeric ? keys.sort((a, b) => Number(a) - Number(b)) : keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The Z statistic and two-sided p-value. */
export function twoProportionZ(reference: CategoryCounts, current: CategoryCounts): { readonly statistic: number; readonly pValue: number } {
  const keys = sortKeys(unionKeys(reference, current));
  if (keys.length <= 1) return { statistic: 0, pValue: 1 };
  const first = keys[0]!;
  const n1 = reference.total;
  const n2 = current.total;
  const p1 = (n1 - (reference.counts.get(first) ?? 0)) / n1;
  const p2 = (n2 - (current.counts.get(first) ?? 0)) / n2;
  const pooled = (p1 * n1 + p2 * n2) / (n1 + n2);
  const z = (p1 - p2) / Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  return { statistic: z, pValue: normalTwoSided(z) };
}

/** Two-proportion Z drift test over category counts. */
export function zTest(reference: CategoryCounts, current: CategoryCounts, threshold = Z_THRESHOLD): TestResult {
  const { statistic, pValue } = twoProportionZ(reference, current);
  return byPValue('z', pValue, statistic, threshold);
}
