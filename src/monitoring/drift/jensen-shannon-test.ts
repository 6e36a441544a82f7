/**
 * Evidently's `jensenshannon` drift test: `scipy.spatial.distance.jensenshannon(r, c, base=2)`
 * (a distance in [0, 1]) over Evidently's binned shares without zero filling, drift at ≥ 0.1.
 * The default for categorical columns, and numeric ones with at most 5 distinct values, when the
 * reference has more than 1,000 rows.
 */
import { evidentlyShares, type DriftSample } from './sample.js';
import { byDistance, type TestResult } from './test-result.js';

export const JENSEN_SHANNON_THRESHOLD = 0.1;

const relEntr = (x: number, y: number): number => (x > 0 && y > 0 ? x * Math.log(x / y) : x === 0 && y >= 0 ? 0 : Infinity);

/** SciPy's jensenshannon(p, q, base): both normalised, √(JS divergence / ln base). */
export function jensenShannonDistance(p: ArrayLike<number>, q: ArrayLike<number>, base = 2): number {
  let sp = 0;
  let sq = 0;
  for (let i = 0; i < p.length; i++) {
    sp += p[i]!;
    sq += q[i]!;
  }
  let left = 0;
  let right = 0;
  for (let i = 0; i < p.length; i++) {
    const a = p[i]! / sp;
    const b = q[i]! / sq;
    const m = (a + b) / 2;
    left += relEntr(a, m);
    right += relEntr(b, m);
  }
  return Math.sqrt((left + right) / Math.log(base) / 2);
}

/** Jensen–Shannon drift test. */
export function jensenShannonTest(reference: DriftSample, current: DriftSample, threshold = JENSEN_SHANNON_THRESHOLD): TestResult {
  const shares = evidentlyShares(reference, current);
  return byDistance('jensenshannon', jensenShannonDistance(shares.reference, shares.current), threshold);
}
