import type { SeriesColumns } from './metric-chunks.js';

/**
 * Reduces a series to at most `maxPoints` points for a chart with min/max buckets: the points are
 * split into maxPoints/2 equal buckets and each keeps its lowest and highest value (in series
 * order), so spikes survive, unlike plain striding. The first and last points are always kept.
 * NaN values are skipped for the min/max choice; a bucket of only NaN keeps its first point.
 */
export function downsampleMinMax(s: SeriesColumns, maxPoints: number): SeriesColumns {
  const n = s.steps.length;
  if (n <= maxPoints || maxPoints < 1) return s;
  if (maxPoints < 4) return pick(s, maxPoints === 1 ? [n - 1] : [0, n - 1].slice(0, maxPoints));
  const inner = maxPoints - 2;
  const buckets = Math.floor(inner / 2);
  const chosen: number[] = [0];
  const span = (n - 2) / buckets;
  for (let b = 0; b < buckets; b++) {
    const from = 1 + Math.floor(b * span);
    const to = Math.min(n - 1, 1 + Math.floor((b + 1) * span));
    let lo = -1;
    let hi = -1;
    for (let i = from; i < to; i++) {
      const v = s.values[i]!;
      if (Number.isNaN(v)) continue;
      if (lo < 0 || v < s.values[lo]!) lo = i;
      if (hi < 0 || v > s.values[hi]!) hi = i;
    }
    if (lo < 0) {
      if (from < to) chosen.push(from);
      continue;
    }
    if (lo === hi) chosen.push(lo);
    else chosen.push(Math.min(lo, hi), Math.max(lo, hi));
  }
  chosen.push(n - 1);
  return pick(s, chosen);
}

function pick(s: SeriesColumns, idx: readonly number[]): SeriesColumns {
  const take = (col: Float64Array) => Float64Array.from(idx, (i) => col[i]!);
  return { steps: take(s.steps), timestamps: take(s.timestamps), values: take(s.values) };
}
