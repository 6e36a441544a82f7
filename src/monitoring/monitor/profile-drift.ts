/**
 * Drift between the reference's profile and a window's profile, column by column, with the
 * same tests and defaults as `paddock drift` (driftReport). A profile keeps sketches rather
 * than raw values, so each column's samples are rebuilt from them; what is exact and what is
 * approximate:
 *
 * - Categorical columns: exact. Counts of the reference's categories are exact on both sides,
 *   and every other value falls into one exact "other" bucket; chi-squared, Z, Jensen–Shannon,
 *   PSI, KL and Hellinger are computed exactly on those buckets.
 * - Numeric columns: a KLL sketch is rebuilt into a sample by repeating each retained item by
 *   its weight (2^level), which is the sketch's own estimate of the data. While a sketch has not
 *   compacted (a small window) this is the data itself, and a small reference (≤ 1,000 values)
 *   stores its sorted values in the package, so KS and Wasserstein are then exact. Once
 *   compacted, each CDF is off by at most the sketch's rank error ε (≈1.3 % at k = 200, 99 %
 *   confidence): the KS statistic within 2ε, the Wasserstein distance within 2ε·range/std, and
 *   p-values are computed with the true sample sizes. Samples above MAX_SAMPLE values are
 *   thinned to MAX_SAMPLE evenly spaced quantiles (a KS p-value then uses that size: it errs
 *   towards "no drift").
 * - A reference from reference-profile.yaml (older packages) has only bin counts: both sides
 *   are then rebuilt from their histograms on the same bins (values at bin midpoints), so the
 *   tests compare distributions at the bins' resolution.
 */
import { columnHistogram, type ColumnHistogram } from '../drift/column-histogram.js';
import { driftReport, type ColumnDrift, type DriftOptions, type DriftReport } from '../drift/drift-report.js';
import { categoricalSample, type DriftSample } from '../drift/sample.js';
import type { CategoricalProfile } from '../profiles/categorical-profile.js';
import type { ProfileSection } from '../profiles/monitoring-profile.js';
import type { NumericProfile } from '../profiles/numeric-profile.js';
import type { ProfileBuilder } from '../profiles/profile-builder.js';

/** Most values a rebuilt numeric sample holds. */
export const MAX_SAMPLE = 1_000_000;
/** The key of values outside the reference's categories. */
export const OTHER_CATEGORY = '(other)';

/** A column's verdict, with whether its samples were exact and the histogram on the reference's bins. */
export interface ProfileColumnDrift extends ColumnDrift {
  readonly exact: boolean;
  readonly histogram: ColumnHistogram;
}

/** The report over profiles. */
export interface ProfileDriftReport extends Omit<DriftReport, 'columns'> {
  readonly columns: readonly ProfileColumnDrift[];
}

interface Rebuilt {
  readonly sample: DriftSample;
  readonly exact: boolean;
}

/** Tests every column of the reference's profile that the window's profile has. */
export function profileDrift(reference: ProfileSection, current: ProfileBuilder, options: DriftOptions = {}): ProfileDriftReport {
  const refs = new Map<string, DriftSample>();
  const curs = new Map<string, DriftSample>();
  const exact = new Map<string, boolean>();
  const histograms = new Map<string, ColumnHistogram>();
  const wanted = options.columns ? new Set(options.columns) : undefined;
  for (const spec of reference.profile.spec.columns) {
    if (wanted && !wanted.has(spec.name)) continue;
    const r = reference.profile.column(spec.name);
    const c = current.column(spec.name);
    if (!r || !c || r.kind !== c.kind) continue;
    const [a, b] = r.kind === 'numeric' ? numericPair(r, c as NumericProfile, reference.exact.get(spec.name)) : [categorical(r), categorical(c as CategoricalProfile)];
    refs.set(spec.name, a.sample);
    curs.set(spec.name, b.sample);
    exact.set(spec.name, a.exact && b.exact);
    histograms.set(spec.name, r.kind === 'numeric' ? binnedHistogram(r, c as NumericProfile) : columnHistogram(a.sample, b.sample));
  }
  const report = driftReport(refs, curs, { ...options, columns: [...refs.keys()], histograms: false });
  return { ...report, columns: report.columns.map((col) => ({ ...col, exact: exact.get(col.column)!, histogram: histograms.get(col.column)! })) };
}

function numericPair(r: NumericProfile, c: NumericProfile, exactValues: Float64Array | undefined): [Rebuilt, Rebuilt] {
  // A reference without a sketch (a schema's statistics): compare both sides on the bins.
  if (!exactValues && r.kll.n === 0) return [fromBins(r), fromBins(c)];
  return [exactValues ? { sample: { kind: 'numeric', sorted: exactValues }, exact: true } : fromSketch(r), fromSketch(c)];
}

function categorical(p: CategoricalProfile): Rebuilt {
  const counts = new Map<string, number>();
  p.categories.forEach((k, i) => counts.set(k, p.counts[i]!));
  if (p.other > 0) counts.set(OTHER_CATEGORY, p.other);
  return { sample: categoricalSample({ counts, total: p.count - p.nulls }), exact: true };
}

/** The sketch's values, each repeated by its weight; exact while nothing has been compacted. */
export function fromSketch(p: NumericProfile): Rebuilt {
  const json = p.kll.toJSON();
  const values: number[] = [];
  const weights: number[] = [];
  json.levels.forEach((level, h) => {
    for (const v of level) {
      values.push(v);
      weights.push(2 ** h);
    }
  });
  const order = values.map((_, i) => i).sort((a, b) => values[a]! - values[b]!);
  const n = json.n;
  const size = Math.min(n, MAX_SAMPLE);
  const out = new Float64Array(size);
  if (size === n) {
    let at = 0;
    for (const i of order) out.fill(values[i]!, at, (at += weights[i]!));
  } else {
    // Thinned: the value at the middle rank of each of `size` equal slices.
    let seen = 0;
    let j = 0;
    for (const i of order) {
      seen += weights[i]!;
      while (j < size && ((j + 0.5) * n) / size <= seen) out[j++] = values[i]!;
    }
    out.fill(out[j - 1] ?? 0, j);
  }
  return { sample: { kind: 'numeric', sorted: out }, exact: json.levels.length === 1 && size === n };
}

/** Values at bin midpoints, one per counted value (below/above the bins at the outer edges). */
function fromBins(p: NumericProfile): Rebuilt {
  const e = p.edges;
  const counts = [p.below, ...p.bins, p.above];
  const at = [e[0] ?? 0, ...Array.from(p.bins, (_, i) => (e[i]! + e[i + 1]!) / 2), e[e.length - 1] ?? 0];
  const total = counts.reduce((a, b) => a + b, 0);
  const scale = total > MAX_SAMPLE ? MAX_SAMPLE / total : 1;
  const parts = counts.map((c, i) => new Float64Array(Math.round(c * scale)).fill(at[i]!));
  const out = new Float64Array(parts.reduce((s, x) => s + x.length, 0));
  let k = 0;
  for (const part of parts) {
    out.set(part, k);
    k += part.length;
  }
  return { sample: { kind: 'numeric', sorted: out }, exact: false };
}

/** Shares on the reference's bins (exact on both sides), with the values below and above them. */
function binnedHistogram(r: NumericProfile, c: NumericProfile): ColumnHistogram {
  const e = r.edges;
  const label = (v: number): string => String(Number(v.toPrecision(4)));
  const labels = Array.from(r.bins, (_, i) => label(e[i]!));
  const shares = (p: NumericProfile): number[] => {
    const total = p.below + p.above + p.bins.reduce((a, b) => a + b, 0) || 1;
    return [p.below / total, ...Array.from(p.bins, (b) => b / total), p.above / total];
  };
  const [a, b] = [shares(r), shares(c)];
  const keepBelow = a[0]! > 0 || b[0]! > 0;
  const keepAbove = a[a.length - 1]! > 0 || b[b.length - 1]! > 0;
  const pick = (s: number[]): number[] => s.slice(keepBelow ? 0 : 1, keepAbove ? s.length : s.length - 1);
  return {
    labels: [...(keepBelow ? [`< ${label(e[0] ?? 0)}`] : []), ...labels, ...(keepAbove ? [`> ${label(e[e.length - 1] ?? 0)}`] : [])],
    reference: pick(a),
    current: pick(b),
  };
}
