/**
 * Reference and current distributions of one column for the report's charts: equal-width bins
 * over both samples' range for numbers, the most frequent categories (plus the rest) otherwise.
 * Shares, not counts, so samples of different sizes compare.
 */
import { histogramSorted } from './frequencies.js';
import type { DriftSample } from './sample.js';
import { asCounts } from './sample.js';

/** Bars for one column: `labels[i]` names bar i of both series. */
export interface ColumnHistogram {
  readonly labels: readonly string[];
  readonly reference: readonly number[];
  readonly current: readonly number[];
}

const NUMERIC_BINS = 24;
const TOP_CATEGORIES = 15;

const label = (v: number): string => String(Number(v.toPrecision(4)));

/** Histogram of the two samples (empty when either is). */
export function columnHistogram(reference: DriftSample, current: DriftSample): ColumnHistogram {
  if (reference.kind === 'numeric' && current.kind === 'numeric') {
    const a = reference.sorted;
    const b = current.sorted;
    if (a.length === 0 || b.length === 0) return { labels: [], reference: [], current: [] };
    const lo = Math.min(a[0]!, b[0]!);
    const hi = Math.max(a[a.length - 1]!, b[b.length - 1]!);
    const bins = lo === hi ? 1 : NUMERIC_BINS;
    const step = (hi - lo || 1) / bins;
    const edges = Float64Array.from({ length: bins + 1 }, (_, i) => (i === bins ? Math.max(hi, lo + step) : lo + i * step));
    const share = (s: Float64Array): number[] => [...histogramSorted(s, edges)].map((c) => c / s.length);
    return { labels: Array.from({ length: bins }, (_, i) => label(edges[i]!)), reference: share(a), current: share(b) };
  }
  const r = asCounts(reference);
  const c = asCounts(current);
  const keys = new Set([...r.counts.keys(), ...c.counts.keys()]);
  const ranked = [...keys].sort((x, y) => (r.counts.get(y) ?? 0) / r.total + (c.counts.get(y) ?? 0) / c.total - (r.counts.get(x) ?? 0) / r.total - (c.counts.get(x) ?? 0) / c.total);
  const top = ranked.slice(0, TOP_CATEGORIES);
  const shares = (s: typeof r): number[] => {
    const out = top.map((k) => (s.counts.get(k) ?? 0) / (s.total || 1));
    if (ranked.length > top.length) out.push(1 - out.reduce((x, y) => x + y, 0));
    return out;
  };
  return { labels: ranked.length > top.length ? [...top, `other (${ranked.length - top.length})`] : top, reference: shares(r), current: shares(c) };
}
