/**
 * The first Wasserstein distance between two samples, as `scipy.stats.wasserstein_distance`
 * (∫|F − G| over the merged support), from their sorted values in one O(m + n) merge; and
 * Evidently's drift score, that distance divided by the reference's standard deviation.
 */

/** ∫ |F_a(x) − F_b(x)| dx for two ascending samples without NaN (both non-empty). */
export function wassersteinDistance(aSorted: ArrayLike<number>, bSorted: ArrayLike<number>): number {
  const n1 = aSorted.length;
  const n2 = bSorted.length;
  if (n1 === 0 || n2 === 0) throw new RangeError('wassersteinDistance needs two non-empty samples');
  let i = 0;
  let j = 0;
  let prev = Math.min(aSorted[0]!, bSorted[0]!);
  let sum = 0;
  let carry = 0;
  // Between consecutive merged values both step CDFs are constant (every value ≤ prev has been
  // consumed): add |F − G| × the gap. Neumaier summation keeps 2M terms exact to ~1e-15.
  while (i < n1 || j < n2) {
    const fromA = j >= n2 || (i < n1 && aSorted[i]! <= bSorted[j]!);
    const x = fromA ? aSorted[i]! : bSorted[j]!;
    const term = Math.abs(i / n1 - j / n2) * (x - prev);
    const t = sum + term;
    carry += Math.abs(sum) >= Math.abs(term) ? sum - t + term : term - t + sum;
    sum = t;
    if (fromA) i++;
    else j++;
    prev = x;
  }
  return sum + carry;
}

/** Population standard deviation (ddof = 0, as numpy's `np.std`), two-pass. */
export function standardDeviation(values: ArrayLike<number>): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i]!;
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i]! - mean;
    ss += d * d;
  }
  return Math.sqrt(ss / n);
}

/** Evidently's normalised score: the distance over max(std(reference), 0.001). */
export function normalisedWasserstein(referenceSorted: ArrayLike<number>, currentSorted: ArrayLike<number>, referenceStd = standardDeviation(referenceSorted)): number {
  return wassersteinDistance(referenceSorted, currentSorted) / Math.max(referenceStd, 0.001);
}
