/**
 * Evidently's `kl_div` drift test: KL(reference ‖ current) in nats (`scipy.stats.entropy(r, c)`)
 * over Evidently's binned shares with empty bins filled, drift at ≥ 0.1.
 */
import { fillZeroes } from './frequencies.js';
import { evidentlyShares, type DriftSample } from './sample.js';
import { byDistance, type TestResult } from './test-result.js';

export const KL_THRESHOLD = 0.1;

/** scipy.stats.entropy(p, q): both normalised, Σ p·ln(p/q). */
export function klDivergence(p: ArrayLike<number>, q: ArrayLike<number>): number {
  let sp = 0;
  let sq = 0;
  for (let i = 0; i < p.length; i++) {
    sp += p[i]!;
    sq += q[i]!;
  }
  let sum = 0;
  for (let i = 0; i < p.length; i++) {
    const a = p[i]! / sp;
    const b = q[i]! / sq;
    if (a > 0) sum += b > 0 ? a * Math.log(a / b) : Infinity;
  }
  return sum;
}

/** KL drift test. */
export function klDivergenceTest(reference: DriftSample, current: DriftSample, threshold = KL_THRESHOLD): TestResult {
  const shares = evidentlyShares(reference, current);
  return byDistance('kl_div', klDivergence(fillZeroes(shares.reference), fillZeroes(shares.current)), threshold);
}
