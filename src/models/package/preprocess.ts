/**
 * The one preprocessing implementation, used by trainers when fitting and by `predict` when
 * serving, so training/serving skew cannot come from two code paths. Per column, in order:
 * impute a missing value (stored constant or stored training mean), then either one-hot encode
 * it against the stored categories or read it as a number and standard-scale it with the stored
 * mean and std.
 *
 * A spec is compiled once into a `PreprocessPlan` (feature names, offsets, category → position
 * maps, scale constants); training encodes a whole table with it column by column, a server
 * encodes each request's rows with the same `encodeValue`, without redoing the per-spec work.
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

/** How one input column becomes features: everything about it that does not depend on the rows. */
export interface ColumnEncoder {
  readonly column: string;
  /** Position of its first feature within a row. */
  readonly offset: number;
  /** One-hot: category (as a string) → position after `offset`; undefined for a numeric column. */
  readonly index: ReadonlyMap<string, number> | undefined;
  /** Numeric: standard-scale with `mean` and `std` when `scaled`. */
  readonly scaled: boolean;
  readonly mean: number;
  readonly std: number;
  /** The stored imputation value, or undefined when a missing value is an error. */
  readonly impute: { readonly value: number | string } | undefined;
}

/** A spec compiled for one column order: feature names, width and one encoder per column, in feature order. */
export interface PreprocessPlan {
  readonly features: readonly string[];
  readonly width: number;
  readonly encoders: readonly ColumnEncoder[];
}

/** Compiles `spec` (or, when absent, plain numeric reading of `columns`) into a reusable plan. */
export function compilePreprocess(spec: PreprocessSpec | undefined, columns: readonly string[]): PreprocessPlan {
  const order = spec?.columns ?? columns;
  const features = featureNames(spec, columns);
  let offset = 0;
  const encoders = order.map((column): ColumnEncoder => {
    const cats = spec?.one_hot[column];
    const scale = spec?.scale[column];
    const rule = spec?.impute[column];
    // Category → position, so encoding a million rows is a map lookup each, not a scan.
    const index = cats ? new Map(cats.map((k, i) => [String(k), i])) : undefined;
    const encoder = { column, offset, index, scaled: scale !== undefined, mean: scale?.mean ?? 0, std: scale?.std ?? 1, impute: rule ? { value: rule.value } : undefined };
    offset += cats ? cats.length : 1;
    return encoder;
  });
  return { features, width: features.length, encoders };
}

/**
 * Writes one value's features into `out` at row start `at` (`row` is 0-based, for errors). The
 * one-hot positions must be zero beforehand: only the hit is written, an unknown category encodes
 * as all zeros (scikit-learn's handle_unknown='ignore').
 */
export function encodeValue(enc: ColumnEncoder, value: unknown, row: number, out: Float32Array | Float64Array, at: number): void {
  let v = value;
  if (missing(v)) {
    if (!enc.impute) fail('INVALID_ARGUMENT', `row ${row + 1}: column '${enc.column}' has no value and the package has no imputation for it`, { column: enc.column, row: row + 1 });
    v = enc.impute.value;
  }
  if (enc.index) {
    const hit = enc.index.get(typeof v === 'string' ? v : String(v));
    if (hit !== undefined) out[at + enc.offset + hit] = 1;
    return;
  }
  const x = numeric(v, enc.column, row);
  out[at + enc.offset] = enc.scaled ? (x - enc.mean) / enc.std : x;
}

/**
 * Encodes caller rows with a compiled plan into `out` (zeroed, `rows.length * plan.width` long),
 * row-major. Float32 output rounds each computed double once, as converting a Float64 matrix does.
 */
export function encodeRows(plan: PreprocessPlan, rows: readonly InputRow[], out: Float32Array | Float64Array): void {
  let compiled = compiledEncoders.get(plan);
  if (compiled === undefined) {
    compiled = compileEncoder(plan);
    compiledEncoders.set(plan, compiled);
  }
  if (compiled) {
    compiled(rows, out, plan.encoders, encodeValue);
    return;
  }
  const { encoders, width } = plan;
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    const at = r * width;
    for (let c = 0; c < encoders.length; c++) {
      const enc = encoders[c]!;
      encodeValue(enc, row[enc.column], r, out, at);
    }
  }
}

type CompiledEncoder = (rows: readonly InputRow[], out: Float32Array | Float64Array, encoders: readonly ColumnEncoder[], slow: typeof encodeValue) => void;

// Per plan, compiled on first use; null where a plan is not compiled.
const compiledEncoders = new WeakMap<PreprocessPlan, CompiledEncoder | null>();

/** Encoders beyond which no code is generated (its size grows with them). */
const MAX_COMPILED_ENCODERS = 2048;

/**
 * encodeRows for one plan as generated code: each column read under its constant name, and a
 * finite number written (scaled) in place, the rest (missing values, one-hot categories, bigints,
 * errors) through encodeValue itself. A served row is read with plain loads instead of a lookup
 * of a computed name per column: for a 64-feature MLP that was the largest part of building a
 * batch (see row-code.ts for why the names matter). The arithmetic is encodeValue's.
 */
function compileEncoder(plan: PreprocessPlan): CompiledEncoder | null {
  if (plan.encoders.length > MAX_COMPILED_ENCODERS) return null;
  const hoisted: string[] = [];
  const body = plan.encoders.map((enc, c) => {
    const read = `v = row[${JSON.stringify(enc.column)}];`;
    const slow = `slow(encoders[${c}], v, r, out, at);`;
    if (enc.index) return `${read} ${slow}`;
    if (!enc.scaled) return `${read} if (typeof v === 'number' && Number.isFinite(v)) out[at + ${enc.offset}] = v; else ${slow}`;
    hoisted.push(`const mean${c} = encoders[${c}].mean, std${c} = encoders[${c}].std;`);
    return `${read} if (typeof v === 'number' && Number.isFinite(v)) out[at + ${enc.offset}] = (v - mean${c}) / std${c}; else ${slow}`;
  });
  const code = `${hoisted.join('\n')}
for (let r = 0; r < rows.length; r++) {
  const row = rows[r];
  const at = r * ${plan.width};
  let v;
${body.join('\n')}
}`;
  return new Function('rows', 'out', 'encoders', 'slow', code) as CompiledEncoder;
}

/** Applies `spec` (or, when absent, plain numeric reading) to `rows`; `columns` is the default order. */
export function preprocess(rows: readonly InputRow[], spec: PreprocessSpec | undefined, columns: readonly string[]): FeatureMatrix {
  const plan = compilePreprocess(spec, columns);
  const data = new Float64Array(rows.length * plan.width);
  encodeRows(plan, rows, data);
  return { features: plan.features, rows: rows.length, width: plan.width, data };
}

/** The same transformation over a column table (training data); rows and servers share it. */
export function preprocessTable(table: ColumnTable, spec: PreprocessSpec | undefined, columns: readonly string[]): FeatureMatrix {
  const plan = compilePreprocess(spec, columns);
  const { width } = plan;
  const data = new Float64Array(table.rows * width);
  for (const enc of plan.encoders) {
    const values = table.column(enc.column);
    for (let r = 0; r < table.rows; r++) encodeValue(enc, values[r], r, data, r * width);
  }
  return { features: plan.features, rows: table.rows, width, data };
}

function missing(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'number' && Number.isNaN(v));
}

function numeric(value: unknown, column: string, row: number): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  return fail('INVALID_ARGUMENT', `row ${row + 1}: column '${column}' must be a number, got ${JSON.stringify(value)}`, { column, row: row + 1 });
}
