/** Seeded data for the profile tests: the same numbers on every run, so failures reproduce. */

/** mulberry32: a small seeded PRNG with uniform output in [0, 1). */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal draws (Box–Muller) from a seeded PRNG. */
export function normals(n: number, seed: number): Float64Array {
  const random = seeded(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return out;
}

/**
 * How far `estimate` is from being a q-quantile of `sorted`: 0 when q·n lies between the
 * counts of values below and at-or-below it, otherwise the distance as a fraction of n.
 */
export function rankError(sorted: Float64Array, estimate: number, q: number): number {
  const n = sorted.length;
  const below = lowerBound(sorted, estimate, false);
  const atOrBelow = lowerBound(sorted, estimate, true);
  return Math.max(0, below / n - q, q - atOrBelow / n);
}

/** Values < x (or ≤ x when `inclusive`). */
function lowerBound(sorted: Float64Array, x: number, inclusive: boolean): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < x || (inclusive && sorted[mid] === x)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Cuts [0, n) into `parts` windows at seeded random points (some may be empty). */
export function randomWindows(n: number, parts: number, seed: number): [number, number][] {
  const random = seeded(seed);
  const cuts = Array.from({ length: parts - 1 }, () => Math.floor(random() * (n + 1))).sort((a, b) => a - b);
  const bounds = [0, ...cuts, n];
  return bounds.slice(1).map((end, i) => [bounds[i]!, end]);
}

/** A seeded permutation of 0…n-1. */
export function shuffled(n: number, seed: number): number[] {
  const random = seeded(seed);
  const out = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
