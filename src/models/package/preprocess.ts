/**
 * The one preprocessing implementation, used by trainers when fitting and by `predict` when
 * serving, so training/serving skew cannot come from two code paths. Per column, in order:
 * impute a missing value (stored constant or stored training mean), then either one-hot encode
 * it against the stored categories or read it as a number and standard-scale it with the stored
 * mean and std.
 */
import { fail } from '../../core/errors.js';
import type { PreprocessSpec } from './manifest.js';

/** A row of named values, as read from a data file or given by a caller. */
export type InputRow = Readonly<Record<string, unknown>>;

/** The feature matrix, row-major. */
export interface FeatureMatrix {
  /** Feature names: the column name, or `column=category` for one-hot features. */
  readonly features: readonly string[];
  readonly rows: number;
  readonly width: number;
  readonly data: Float64Array;
}

/** Feature names `spec` produces from `columns` (the signature's input order). */
export function featureNames(spec: PreprocessSpec | undefined, columns: readonly string[]): string[] {
  const order = spec?.columns ?? columns;
  return order.flatMap((c) => {
    const cats = spec?.one_hot[c];
    return cats ? cats.map((k) => `${c}=${String(k)}`) : [c];
  });
}

/** Data by column: what training reads from a file; `preprocess` adapts caller rows to it. */
export interface ColumnTable {
  readonly rows: number;
  /** The values of one column, one per row (missing column → undefined values). */
  column(name: string): ArrayLike<unknown>;
}

/** Applies `spec` (or, when absent, plain numeric reading) to `rows`; `columns` is the default order. */
export function preprocess(rows: readonly InputRow[], spec: PreprocessSpec | undefined, columns: readonly string[]): FeatureMatrix {
  return preprocessTable({ rows: rows.length, column: (c) => rows.map((r) => r[c]) }, spec, columns);
}

/** The same transformation over a column table (training data); rows and servers share it. */
export function preprocessTable(table: ColumnTable, spec: PreprocessSpec | undefined, columns: readonly string[]): FeatureMatrix {
  const order = spec?.columns ?? columns;
  const features = featureNames(spec, columns);
  const width = features.length;
  const data = new Float64Array(table.rows * width);
  let offset = 0;
  for (const column of order) {
    const values = table.column(column);
    const cats = spec?.one_hot[column];
    const scale = spec?.scale[column];
    // Category → position, so encoding a million rows is a map lookup each, not a scan.
    const index = cats ? new Map(cats.map((k, i) => [String(k), i])) : undefined;
    for (let r = 0; r < table.rows; r++) {
      const value = imputed(values[r], spec, column, r);
      const at = r * width + offset;
      if (index) {
        // Unknown categories encode as all zeros (scikit-learn's handle_unknown='ignore').
        const hit = index.get(String(value));
        if (hit !== undefined) data[at + hit] = 1;
      } else {
        const x = numeric(value, column, r);
        data[at] = scale ? (x - scale.mean) / scale.std : x;
      }
    }
    offset += cats ? cats.length : 1;
  }
  return { features, rows: table.rows, width, data };
}

function missing(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'number' && Number.isNaN(v));
}

function imputed(value: unknown, spec: PreprocessSpec | undefined, column: string, row: number): unknown {
  if (!missing(value)) return value;
  const rule = spec?.impute[column];
  if (rule) return rule.value;
  return fail('INVALID_ARGUMENT', `row ${row + 1}: column '${column}' has no value and the package has no imputation for it`, { column, row: row + 1 });
}

function numeric(value: unknown, column: string, row: number): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  return fail('INVALID_ARGUMENT', `row ${row + 1}: column '${column}' must be a number, got ${JSON.stringify(value)}`, { column, row: row + 1 });
}
