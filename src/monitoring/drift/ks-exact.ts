/**
 * The exact null distribution of the two-sample Kolmogorov–Smirnov statistic, as SciPy computes
 * it for `ks_2samp(method='exact')`: lattice paths from (0, 0) to (m, n) that leave the band
 * |x/m − y/n| < h / lcm(m, n) (Hodges 1958), counted as probabilities with Viehmann's stable
 * recursion for 1 − p, and the closed form for equal sample sizes.
 */

/** P(D_{n,n} ≥ h/n) for two samples of equal size n (SciPy's `_compute_prob_outside_square`). */
export function probOutsideSquare(n: number, h: number): number {
  // 2·(C(2n, n−h) − C(2n, n−2h) + …) / C(2n, n), nested Horner-like to avoid cancellation.
  let P = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let p1 = 1;
    for (let j = 0; j < h; j++) p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1);
    P = p1 * (1 - P);
  }
  return 2 * P;
}

/**
 * P(D_{m,n} ≥ h/lcm) for samples of sizes m ≠ n with gcd g (SciPy's
 * `_compute_outer_prob_inside_method`): one column of the path-count matrix, kept as a
 * sliding window, each entry already divided by its binomial so nothing overflows.
 */
export function probOutsideBand(m: number, n: number, g: number, h: number): number {
  if (m < n) [m, n] = [n, m];
  const mg = m / g;
  const ng = n / g;
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const lenA = Math.min(2 * maxj + 2, n + 1);
  const A = new Float64Array(lenA).fill(1);
  for (let j = minj; j < Math.min(maxj, lenA); j++) A[j] = 0;
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    let val = minj === 0 ? 0 : 1;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      val = (A[jj + minj - lastminj]! * i + val * j) / (i + j);
      A[jj] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) A.fill(1, maxj - minj, Math.min(maxj - minj + (lastlen - curlen), lenA));
  }
  return A[maxj - minj - 1]!;
}
