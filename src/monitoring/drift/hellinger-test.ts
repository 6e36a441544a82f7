/**
 * Evidently's `hellinger` drift test, drift at ≥ 0.1: for categories √(1 − Σ √(p·q)) over the
 * shares; for numbers the same over density histograms on Sturges bins of the distinct values
 * of both samples (Evidently's construction, bin width (max − min) / bins).
 */
import { histogramSorted, sturgesEdges } from './frequencies.js';
import { asCounts, type DriftSample } from './sample.js';
import { byDistance, type TestResult } from './test-result.js';

export const HELLINGER_THRESHOLD = 0.1;

function categoricalHellinger(reference: DriftSample, current: DriftSample): number {
  const r = asCounts(reference);
  const c = asCounts(current);
  let bc = 0;
  for (const [k, n] of r.counts) bc += Math.sqrt((n / r.total) * ((c.counts.get(k) ?? 0) / c.total));
  return Math.sqrt(1 - Math.min(1, Math.max(0, bc)));
}

/** Distinct values of both samples, ascending. */
function distinctValues(a: Float64Array, b: Float64Array): Float64Array {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = j >= b.length || (i < a.length && a[i]! <= b[j]!) ? a[i]! : b[j]!;
    while (i < a.length && a[i] === x) i++;
    while (j < b.length && b[j] === x) j++;
    out.push(x);
  }
  return Float64Array.from(out);
}

function numericHellinger(a: Float64Array, b: Float64Array): number {
  const keys = distinctValues(a, b);
  const lo = keys[0]!;
  const hi = keys[keys.length - 1]!;
  const edges = sturgesEdges(lo, hi, keys.length);
  const bins = edges.length - 1;
  const density = (counts: Float64Array): Float64Array => {
    const total = counts.reduce((s, v) => s + v, 0);
    return counts.map((c, i) => c / total / (edges[i + 1]! - edges[i]!));
  };
  const h1 = density(histogramSorted(a, edges));
  const h2 = density(histogramSorted(b, edges));
  const width = (hi - lo) / bins;
  let bc = 0;
  for (let i = 0; i < bins; i++) bc += Math.sqrt(h1[i]! * h2[i]!) * width;
  return Math.sqrt(1 - Math.min(1, Math.max(0, bc)));
}

/** Hellinger drift test. */
export function hellingerTest(reference: DriftSample, current: DriftSample, threshold = HELLINGER_THRESHOLD): TestResult {
  const score = reference.kind === 'numeric' && current.kind === 'numeric' ? numericHellinger(reference.sorted, current.sorted) : categoricalHellinger(reference, current);
  return byDistance('hellinger', score, threshold);
}
