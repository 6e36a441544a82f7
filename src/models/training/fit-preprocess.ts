/**
 * Fits the package's `preprocess` section from training data: the statistics are computed here
 * once and stored, and the one `preprocessTable` implementation applies them at training and at
 * serving time alike.
 */
import { fail } from '../../core/errors.js';
import type { PreprocessSpec } from '../package/manifest.js';
import type { ColumnTable } from '../package/preprocess.js';

/** How a feature column is read: as a number, or as a category to one-hot encode. */
export type FeatureKind = 'number' | 'category';

/** A feature column and its kind. */
export interface FeatureColumn {
  readonly name: string;
  readonly kind: FeatureKind;
}

/** Options for fitting. */
export interface FitOptions {
  /** Standard-scale numeric columns (linear models need it; trees do not care). */
  readonly scale: boolean;
  /** Keep at most this many categories per column, the most frequent; the rest encode as zeros. */
  readonly maxCategories?: number;
}

const isMissing = (v: unknown) => v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v));

/** Fits imputation, scaling and one-hot categories for `columns` over `table`. */
export function fitPreprocess(table: ColumnTable, columns: readonly FeatureColumn[], options: FitOptions): PreprocessSpec {
  const spec: { impute: PreprocessSpec['impute']; scale: PreprocessSpec['scale']; one_hot: PreprocessSpec['one_hot'] } = { impute: {}, scale: {}, one_hot: {} };
  for (const col of columns) {
    const values = table.column(col.name);
    if (col.kind === 'category') fitCategory(spec, col.name, values, options.maxCategories ?? 30);
    else fitNumber(spec, col.name, values, options.scale);
  }
  return { columns: columns.map((c) => c.name), ...spec };
}

function fitNumber(spec: Pick<PreprocessSpec, 'impute' | 'scale'>, name: string, values: ArrayLike<unknown>, scale: boolean): void {
  let n = 0;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (isMissing(v)) continue;
    if (typeof v !== 'number') fail('INVALID_ARGUMENT', `column '${name}' mixes numbers with ${JSON.stringify(v)} (row ${i + 1}); clean it or cast it in a featurize step`, { column: name, row: i + 1 });
    n++;
    sum += v;
  }
  if (n === 0) fail('INVALID_ARGUMENT', `column '${name}' has no values; drop it from --features`, { column: name });
  const mean = sum / n;
  let squares = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!isMissing(v)) squares += ((v as number) - mean) ** 2;
  }
  const std = Math.sqrt(squares / n);
  if (n < values.length) spec.impute[name] = { strategy: 'mean', value: mean };
  if (scale && std > 0) spec.scale[name] = { mean, std };
}

function fitCategory(spec: Pick<PreprocessSpec, 'impute' | 'one_hot'>, name: string, values: ArrayLike<unknown>, max: number): void {
  const counts = new Map<string, number>();
  let missing = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (isMissing(v)) missing++;
    else counts.set(String(v), (counts.get(String(v)) ?? 0) + 1);
  }
  if (counts.size === 0) fail('INVALID_ARGUMENT', `column '${name}' has no values; drop it from --features`, { column: name });
  // Most frequent first, ties by name, so the same data always gives the same encoding.
  const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  spec.one_hot[name] = ranked.slice(0, max).map(([k]) => k).sort();
  if (missing > 0) spec.impute[name] = { strategy: 'constant', value: ranked[0]![0] };
}
