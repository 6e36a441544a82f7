/**
 * Which test a column gets when none is asked for: Evidently's `_get_default_stattest`. With a
 * reference of at most 1,000 values: KS for numbers with more than 5 distinct values, otherwise
 * chi-squared (Z when at most 2 distinct values); above 1,000: normalised Wasserstein for numbers
 * with more than 5 distinct values, otherwise Jensen–Shannon. Distinct values are counted over
 * both samples together.
 */
import { distinctInBoth } from './frequencies.js';
import { asCounts, sampleSize, type DriftSample } from './sample.js';
import type { StatTestName } from './test-result.js';

/** Evidently's switch between small- and large-reference defaults. */
export const SMALL_REFERENCE = 1000;

function distinctValues(reference: DriftSample, current: DriftSample): number {
  if (reference.kind === 'numeric' && current.kind === 'numeric') return distinctInBoth(reference.sorted, current.sorted);
  const keys = new Set(asCounts(reference).counts.keys());
  for (const k of asCounts(current).counts.keys()) keys.add(k);
  return keys.size;
}

/** The default test for a column of the given kind. */
export function defaultStatTest(reference: DriftSample, current: DriftSample): StatTestName {
  const distinct = distinctValues(reference, current);
  const numeric = reference.kind === 'numeric';
  if (sampleSize(reference) <= SMALL_REFERENCE) {
    if (numeric && distinct > 5) return 'ks';
    return distinct > 2 ? 'chisquare' : 'z';
  }
  return numeric && distinct > 5 ? 'wasserstein' : 'jensenshannon';
}
