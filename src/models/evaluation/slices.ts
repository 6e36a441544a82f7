/**
 * Metrics per slice of the evaluation data ("how does the model do on each airline?"). The caller
 * passes the slice column and a function computing metrics on a subset of rows, so one grouping
 * serves classification and regression alike.
 */

/** How `sliceMetrics` groups rows. */
export interface SliceOptions {
  /** Most slices returned (default 20): the biggest ones, the rest merged into `(other)`. */
  readonly maxSlices?: number;
  /** Quantile buckets for a numeric column with many distinct values (default 4: quartiles). */
  readonly buckets?: number;
}

/** The metrics of one slice. */
export interface SliceResult {
  /** The column value, a numeric range such as `(3.5, 7]`, `(missing)` or `(other)`. */
  readonly value: string;
  readonly n: number;
  readonly metrics: Readonly<Record<string, number>>;
}

/** Label of the rows whose slice value is null, undefined, NaN or the empty string. */
export const MISSING_SLICE = '(missing)';
/** Label of the rows of the slices beyond `maxSlices`. */
export const OTHER_SLICE = '(other)';
/** A numeric column with more distinct values than this is cut into quantile buckets. */
export const NUMERIC_CATEGORY_LIMIT = 10;

/**
 * Groups the rows by `values` (one per row) and runs `compute` on each group's row indices
 * (ascending). Categories come biggest first; numeric buckets in the order of their ranges,
 * with `(missing)` last.
 */
export function sliceMetrics(
  values: readonly unknown[],
  compute: (rows: Int32Array) => Record<string, number>,
  options: SliceOptions = {},
): SliceResult[] {
  const maxSlices = Math.max(1, options.maxSlices ?? 20);
  const numeric = numericValues(values);
  const groups = numeric ? bucketGroups(values, numeric, Math.max(1, options.buckets ?? 4)) : categoryGroups(values);
  return capGroups(groups, maxSlices).map(({ label, rows }) => {
    const indices = Int32Array.from(rows);
    return { value: label, n: indices.length, metrics: compute(indices) };
  });
}

interface Group {
  readonly label: string;
  readonly rows: number[];
}

function isMissing(v: unknown): boolean {
  return v === null || v === undefined || v === '' || (typeof v === 'number' && Number.isNaN(v));
}

function labelOf(v: unknown): string {
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** The sorted non-missing values when the column is numeric with many distinct values. */
function numericValues(values: readonly unknown[]): Float64Array | undefined {
  const out: number[] = [];
  for (const v of values) {
    if (isMissing(v)) continue;
    if (typeof v === 'number' && Number.isFinite(v)) out.push(v);
    else if (typeof v === 'bigint') out.push(Number(v));
    else return undefined;
  }
  const sorted = Float64Array.from(out).sort();
  let distinct = 0;
  for (let i = 0; i < sorted.length && distinct <= NUMERIC_CATEGORY_LIMIT; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct++;
  return distinct > NUMERIC_CATEGORY_LIMIT ? sorted : undefined;
}

function categoryGroups(values: readonly unknown[]): Group[] {
  const byLabel = new Map<string, number[]>();
  values.forEach((v, i) => {
    const label = isMissing(v) ? MISSING_SLICE : labelOf(v);
    let rows = byLabel.get(label);
    if (!rows) byLabel.set(label, (rows = []));
    rows.push(i);
  });
  return [...byLabel].map(([label, rows]) => ({ label, rows })).sort((a, b) => b.rows.length - a.rows.length || (a.label < b.label ? -1 : 1));
}

/** numpy's default (linear) quantile of sorted values. */
function quantile(sorted: Float64Array, q: number): number {
  const at = q * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

/**
 * Quantile buckets: the distinct upper edges q(1/B), q(2/B), …, max give `[min, u1]`, `(u1, u2]`, …
 * A value repeated across several quantiles gets a bucket of its own (`[0, 0]` for a column that
 * is mostly zero) instead of vanishing into its neighbour.
 */
function bucketGroups(values: readonly unknown[], sorted: Float64Array, buckets: number): Group[] {
  const edges: number[] = [sorted[0]!];
  for (let b = 1; b <= buckets; b++) {
    const e = b === buckets ? sorted[sorted.length - 1]! : quantile(sorted, b / buckets);
    if (edges.length === 1 || e > edges[edges.length - 1]!) edges.push(e);
  }
  const groups: Group[] = edges.slice(1).map((hi, b) => ({ label: `${b === 0 ? '[' : '('}${fmt(edges[b]!)}, ${fmt(hi)}]`, rows: [] }));
  const missing: Group = { label: MISSING_SLICE, rows: [] };
  values.forEach((v, i) => {
    if (isMissing(v)) {
      missing.rows.push(i);
      return;
    }
    const x = Number(v);
    // First bucket whose upper edge is ≥ x (binary search over the upper edges).
    let [lo, hi] = [0, groups.length - 1];
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (edges[mid + 1]! >= x) hi = mid;
      else lo = mid + 1;
    }
    groups[lo]!.rows.push(i);
  });
  return [...groups.filter((g) => g.rows.length > 0), ...(missing.rows.length ? [missing] : [])];
}

function fmt(x: number): string {
  return String(Number(x.toPrecision(6)));
}

/** Keeps maxSlices − 1 groups and merges the rest into `(other)` when there are too many. */
function capGroups(groups: Group[], maxSlices: number): Group[] {
  if (groups.length <= maxSlices) return groups;
  const keep = [...groups].sort((a, b) => b.rows.length - a.rows.length).slice(0, maxSlices - 1);
  const kept = new Set(keep);
  const rest = groups.filter((g) => !kept.has(g)).flatMap((g) => g.rows).sort((a, b) => a - b);
  return [...groups.filter((g) => kept.has(g)), { label: OTHER_SLICE, rows: rest }];
}
