/**
 * The two-sample Kolmogorov–Smirnov test, two-sided, as `scipy.stats.ks_2samp(method='auto')`:
 * the statistic from one merge of the two sorted samples (O(m + n), no re-sorting: the
 * reference's sorted values can be kept), the exact p-value when both samples have at most
 * 10,000 values, and otherwise the one-sample distribution at n = round(mn / (m + n)).
 */
import { probOutsideBand, probOutsideSquare } from './ks-exact.js';
import { kolmogorovSf } from './ks-distribution.js';

/** SciPy's switch from the exact to the asymptotic p-value (`MAX_AUTO_N`). */
export const KS_MAX_EXACT_N = 10_000;

/** The statistic D, its p-value, and how the p-value was computed. */
export interface KsResult {
  readonly statistic: number;
  readonly pValue: number;
  readonly method: 'exact' | 'asymptotic';
}

/** Largest gaps between the two empirical CDFs, above and below (SciPy's maxS and minS). */
export function ksDistances(a: ArrayLike<number>, b: ArrayLike<number>): { readonly above: number; readonly below: number } {
  const n1 = a.length;
  const n2 = b.length;
  let i = 0;
  let j = 0;
  let max = -Infinity;
  let min = Infinity;
  while (i < n1 || j < n2) {
    const x = j >= n2 || (i < n1 && a[i]! <= b[j]!) ? a[i]! : b[j]!;
    while (i < n1 && a[i]! <= x) i++;
    while (j < n2 && b[j]! <= x) j++;
    const diff = i / n1 - j / n2;
    if (diff > max) max = diff;
    if (diff < min) min = diff;
  }
  return { above: max, below: Math.min(1, Math.max(0, -min)) };
}

/** Two-sided two-sample KS test of two ascending samples without NaN (both non-empty). */
export function ksTwoSample(aSorted: ArrayLike<number>, bSorted: ArrayLike<number>): KsResult {
  const n1 = aSorted.length;
  const n2 = bSorted.length;
  if (n1 === 0 || n2 === 0) throw new RangeError('ksTwoSample needs two non-empty samples');
  const { above, below } = ksDistances(aSorted, bSorted);
  let d = below > above ? below : above;
  if (Math.max(n1, n2) <= KS_MAX_EXACT_N) {
    const g = gcd(n1, n2);
    const lcm = (n1 / g) * n2;
    const h = Math.round(d * lcm);
    d = h / lcm;
    if (h === 0) return { statistic: d, pValue: 1, method: 'exact' };
    const p = n1 === n2 ? probOutsideSquare(n1, h) : probOutsideBand(n1, n2, g, h);
    if (p >= 0 && p <= 1) return { statistic: d, pValue: p, method: 'exact' };
    // SciPy falls back to the asymptotic distribution when the exact sum goes out of range.
  }
  const [m, n] = n1 >= n2 ? [n1, n2] : [n2, n1];
  const en = (m * n) / (m + n);
  const p = kolmogorovSf(roundHalfEven(en), d);
  return { statistic: d, pValue: Math.min(1, Math.max(0, p)), method: 'asymptotic' };
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** numpy.round: halves go to the even neighbour. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
